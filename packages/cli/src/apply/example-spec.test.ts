import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../demo/service-processes.js';
import { parseSpecDocuments } from './rollout-spec.js';

const folder = join(repositoryRoot(), 'examples/rollouts');

describe('examples/rollouts', () => {
  it.each(readdirSync(folder).filter((f) => f.endsWith('.yaml')))('%s is a valid spec', (file) => {
    const { specs, invalid } = parseSpecDocuments(readFileSync(join(folder, file), 'utf8'), file);
    expect(invalid).toEqual([]);
    expect(specs.length).toBeGreaterThan(0);
  });
});
