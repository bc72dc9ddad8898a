import { fileURLToPath } from 'node:url';
import { disconnectTestClients, runToExit, squatGroup } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { workerFixture } from './support.js';

afterAll(() => disconnectTestClients());

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('model worker whose consumer stops for good', () => {
  it('exits with code 1 and says why, so that its supervisor starts a working one', async () => {
    const f = await workerFixture();
    const groupId = `${f.prefix}.model-worker`;
    // A member with an assignor the worker does not speak: the worker's join is refused with an
    // error kafkajs does not retry (as after a broker restart that loses the group coordinator).
    const squatter = await squatGroup(groupId, f.catalog.routed.name);
    try {
      const { code, output } = await runToExit(main, {
        ...process.env,
        ...f.env,
        LOG_LEVEL: 'fatal',
        WORKER_VARIANTS: JSON.stringify({ 'sim-a': { kind: 'sim', classes: ['a', 'b'] } }),
      });
      expect(code).toBe(1);
      expect(output).toContain('"event":"worker.consumer_stopped"');
      expect(output).toMatch(/protocols are incompatible/);
    } finally {
      await squatter.disconnect();
    }
  }, 120_000);
});
