import { describe, expect, it } from 'vitest';
import { meanText } from './mean-text.js';

describe('meanText', () => {
  it.each([
    [0.41234, '0.412'],
    [12.345, '12.3'],
    [1, '1'],
    [0.000123456, '0.000123'],
    [-0.0049, '-0.0049'],
    [1_234.56, '1,235'],
  ])('%d → %s', (x, text) => {
    expect(meanText(x)).toBe(text);
  });
});
