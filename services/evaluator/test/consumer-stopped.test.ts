import { fileURLToPath } from 'node:url';
import { disconnectTestClients, runToExit, squatGroup } from '@kanary/testkit';
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
      const { code, output } = await runToExit(main, {
        ...process.env,
        ...f.env,
        LOG_LEVEL: 'fatal',
      });
      expect(code).toBe(1);
      expect(output).toContain('"event":"evaluator.consumer_stopped"');
      expect(output).toMatch(/protocols are incompatible/);
    } finally {
      await squatter.disconnect();
    }
  }, 120_000);
});
