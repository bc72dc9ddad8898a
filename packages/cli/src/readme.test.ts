import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '@kanary/rollout';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';
import { repositoryRoot } from './demo/service-processes.js';

// The README is what a newcomer reads: these keep it in step with the code it documents.
const root = repositoryRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const CONFIG_FILES = [
  'packages/kafka/src/config.ts',
  'services/router/src/config.ts',
  'services/model-worker/src/config.ts',
  'services/evaluator/src/config.ts',
  'services/decision/src/config.ts',
  'services/console/src/config.ts',
];

/** Environment variables a config module reads: the upper-case keys of its zod objects. */
function variablesOf(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  return [...new Set([...source.matchAll(/^\s*([A-Z][A-Z0-9_]{2,}):/gm)].map((m) => m[1]!))];
}

describe('README', () => {
  it.each(CONFIG_FILES)('documents every environment variable of %s', (file) => {
    const variables = variablesOf(file);
    expect(variables.length).toBeGreaterThan(3);
    expect(variables.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });

  it('documents every policy field in the policy reference', () => {
    const missing = Object.keys(DEFAULT_POLICY).filter((f) => !readme.includes(`| \`${f}\` |`));
    expect(missing).toEqual([]);
  });

  it('lists every CLI command', () => {
    const names = buildProgram().program.commands.map((c) => c.name());
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !new RegExp(`^\\| \`${n}\\b`, 'm').test(readme))).toEqual([]);
  });

  it('gives the two commands: the demo and the tests, the latter in step with .ci/run', () => {
    expect(readme).toContain('```bash\nbash scripts/demo\n```');
    // Both bootstrap a fresh clone the same way.
    expect(readFileSync(join(root, 'scripts/demo'), 'utf8')).toMatch(/^source scripts\/bootstrap$/m);
    expect(readFileSync(join(root, 'scripts/demo'), 'utf8')).toMatch(/^exec pnpm demo "\$@"$/m);
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^source scripts\/bootstrap$/m);
    expect(readme).toContain('```bash\nbash .ci/run\n```');
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^pnpm test$/m);
  });
});
