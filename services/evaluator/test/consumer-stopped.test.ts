import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { disconnectTestClients, squatGroup } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluatorFixture } from './support.js';

afterAll(() => disconnectTestClients());

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('evaluator whose consumer stops for good', () => {
  it('exits with code 1 and says why, so that its supervisor starts a working one', async () => {
    const f = await evaluatorFixture(2);
    // A member with an assignor the evaluator does not speak: its join is refused with an error
    // kafkajs does not retry (as after a broker restart that loses the group coordinator).
    const squatter = await squatGroup(`${f.prefix}.evaluator`, f.catalog.predictions.name);
    try {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
        env: { ...process.env, ...f.env, LOG_LEVEL: 'fatal' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('"event":"evaluator.consumer_stopped"');
      expect(output).toMatch(/protocols are incompatible/);
    } finally {
      await squatter.disconnect();
    }
  }, 120_000);
});
