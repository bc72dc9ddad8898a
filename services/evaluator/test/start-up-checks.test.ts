import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator, TopicLayoutError } from '../src/index.js';
import { evaluatorFixture, quietLogger } from './support.js';

afterAll(() => disconnectTestClients());

describe('evaluator start-up checks', () => {
  it('refuses to start when predictions and labels are not co-partitioned', async () => {
    const f = await evaluatorFixture(2, { labelPartitions: 3 });
    const evaluator = await startEvaluator(f.config({ KANARY_INSTANCE_ID: 'mismatch' }), {
      logger: quietLogger(),
    });
    try {
      const failure = await evaluator.ready.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(TopicLayoutError);
      expect((failure as Error).message).toBe(
        `${f.catalog.predictions.name} has 2 partitions and ${f.catalog.labels.name} has 3: ` +
          `predictions and labels must be co-partitioned (same partition count, keyed by ` +
          `requestId) for the evaluator's partition-local join`,
      );
      expect(evaluator.isReady()).toBe(false);
    } finally {
      await evaluator.stop();
    }
  });

  it('refuses to start on a changelog whose retention would delete join state', async () => {
    const f = await evaluatorFixture(2, {
      changelogConfig: { 'cleanup.policy': 'compact,delete' },
    });
    const evaluator = await startEvaluator(f.config({ KANARY_INSTANCE_ID: 'not-compacted' }), {
      logger: quietLogger(),
    });
    try {
      const failure = await evaluator.ready.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(TopicLayoutError);
      expect((failure as Error).message).toContain(
        `${f.catalog.joinChangelog.name} has cleanup.policy=compact,delete, expected compact`,
      );
      expect(evaluator.isReady()).toBe(false);
    } finally {
      await evaluator.stop();
    }
  });
});
