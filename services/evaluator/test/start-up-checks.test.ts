import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator, TopicLayoutError } from '../src/index.js';
import { evaluatorFixture, quietLogger, type EvaluatorFixture } from './support.js';

afterAll(() => disconnectTestClients());

/** Starts an evaluator that must refuse to run; its start-up error, once it has stopped. */
async function startUpFailure(f: EvaluatorFixture): Promise<Error> {
  const evaluator = await startEvaluator(f.config({ KANARY_INSTANCE_ID: 'refused' }), {
    logger: quietLogger(),
  });
  try {
    const failure = await evaluator.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(TopicLayoutError);
    expect(evaluator.isReady()).toBe(false);
    return failure as Error;
  } finally {
    await evaluator.stop();
  }
}

describe('evaluator start-up checks', () => {
  it('refuses to start when predictions and labels are not co-partitioned', async () => {
    const f = await evaluatorFixture(2, { labelPartitions: 3 });
    expect((await startUpFailure(f)).message).toBe(
      `${f.catalog.predictions.name} has 2 partitions and ${f.catalog.labels.name} has 3: ` +
        `routed requests, predictions, labels, evidence and the repartition topics must be ` +
        `co-partitioned (same partition count, keyed by requestId) for the evaluator's ` +
        `partition-local join`,
    );
  });

  it('refuses to start on a changelog whose retention would delete join state', async () => {
    const f = await evaluatorFixture(2, {
      changelogConfig: { 'cleanup.policy': 'compact,delete' },
    });
    expect((await startUpFailure(f)).message).toContain(
      `${f.catalog.joinChangelog.name} has cleanup.policy=compact,delete, expected compact`,
    );
  });
});
