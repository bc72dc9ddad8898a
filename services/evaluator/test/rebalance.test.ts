import { collectMessages, disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator, type Evaluator } from '../src/index.js';
import {
  committedEvaluations,
  compareExact,
  evaluatorFixture,
  produceRecords,
  quietLogger,
  waitForInputsCommitted,
  workload,
} from './support.js';
import { expectedEvidence, settledEvidence, startWorkloadRollout } from './evidence-check.js';

afterAll(() => disconnectTestClients());

describe('two evaluator instances', () => {
  it('produce exactly the expected evaluations across a rebalance in the middle of the run', async () => {
    // 3 partitions over 2 members: kafkajs' round-robin assigner would split a partition's
    // predictions and labels between the members; the co-partitioning assigner must not.
    const f = await evaluatorFixture(3);
    const run = workload(10_000, 11);
    await startWorkloadRollout(f, Date.now() - 60_000);
    const half = Math.floor(run.records.length / 2);
    const evaluators: Evaluator[] = [];
    const start = async (instance: string) => {
      const evaluator = await startEvaluator(f.config({ KANARY_INSTANCE_ID: instance }), {
        logger: quietLogger(),
      });
      evaluators.push(evaluator);
      await evaluator.ready;
      return evaluator;
    };
    const committed = await collectMessages(f.catalog.evaluations.name);
    try {
      const first = await start('a');
      await produceRecords(f, run.records.slice(0, half));
      // Part of the first half is evaluated before the second member joins.
      await committed.waitFor(Math.floor(run.expected.size / 8), 60_000);
      const second = await start('b');
      await produceRecords(f, run.records.slice(half));
      await waitForInputsCommitted(f, `${f.prefix}.evaluator`, 120_000);

      const result = compareExact(await committedEvaluations(f), run.expected);
      expect(result).toEqual({
        count: run.expected.size,
        duplicates: [],
        missing: [],
        unexpected: [],
      });
      // The evidence of both members, merged, counts every evaluation and shadow pair once.
      const expected = await expectedEvidence(f, run.records);
      expect(expected.pairs.outputPairs).toBeGreaterThan(1_000);
      expect(await settledEvidence(f, expected)).toEqual(expected);
      // Both members processed records: the partitions were really shared.
      expect(first.runner.stats.processed).toBeGreaterThan(0);
      expect(second.runner.stats.processed).toBeGreaterThan(0);
    } finally {
      await committed.stop();
      await Promise.all(evaluators.map((e) => e.stop()));
    }
  });
});
