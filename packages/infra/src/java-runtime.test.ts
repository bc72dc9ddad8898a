import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from './java-runtime.js';
import { registryMinJava } from './registry-node.js';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "25.0.3" 2026-04-21 LTS', 25],
    ['java version "1.8.0_402"', 8],
    ['openjdk version "21" 2023-09-19', 21],
    ['no version here', undefined],
  ])('%s → %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});

describe('registryMinJava', () => {
  it.each([
    ['3.0.9', 17],
    ['3.1.0', 21],
    ['3.3.3', 21],
  ])('Apicurio %s needs Java %i', (version, java) => {
    expect(registryMinJava(version)).toBe(java);
  });
});
