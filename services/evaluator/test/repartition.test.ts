import { crc32 } from 'node:zlib';
import { collectMessages, connectedAdmin, disconnectTestClients, waitFor } from '@kanary/testkit';
import type { ProcessorRunner } from '@kanary/kafka';
import type { ICustomPartitioner } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator } from '../src/index.js';
import { expectedEvidence, settledEvidence, startWorkloadRollout } from './evidence-check.js';
import {
  committedEvaluations,
  compareExact,
  evaluatorFixture,
  produceRecords,
  quietLogger,
  waitForInputsCommitted,
  workload,
} from './support.js';

afterAll(() => disconnectTestClients());

/**
 * librdkafka's default for keyed records (`consistent_random`): CRC32 of the key modulo the
 * partition count — what Python's confluent-kafka, Go, .NET and Rust clients do unless told
 * otherwise.
 */
const crc32Partitioner: ICustomPartitioner =
  () =>
  ({ partitionMetadata, message }) =>
    crc32(Buffer.from(String(message.key))) % partitionMetadata.length;

/** How far a runner read `topics` (its positions summed), against their ends. */
async function readProgress(
  runner: Pick<ProcessorRunner, 'position'>,
  topics: readonly string[],
): Promise<{ read: number; end: number }> {
  const admin = await connectedAdmin();
  let read = 0;
  let end = 0;
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      end += Number(p.offset);
      read += Math.min(runner.position(topic, p.partition), Number(p.offset));
    }
  }
  return { read, end };
}

describe('predictions and labels partitioned by CRC32 (librdkafka default)', () => {
  it('are forwarded to the partition their requestId belongs on and joined exactly once', async () => {
    const f = await evaluatorFixture(4);
    const run = workload(4_000, 23);
    await startWorkloadRollout(f, Date.now() - 60_000);
    await produceRecords(f, run.records, 5_000, crc32Partitioner);
    const evaluator = await startEvaluator(f.config({ KANARY_INSTANCE_ID: 'crc' }), {
      logger: quietLogger(),
    });
    const committed = await collectMessages(f.catalog.evaluations.name);
    try {
      await evaluator.ready;
      await committed.waitFor(run.expected.size, 120_000);
      const { catalog } = f;
      const group = `${f.prefix}.evaluator`;
      await waitForInputsCommitted(f, group, 120_000);
      // The repartition topics are written in transactions by one producer per input partition:
      // a partition can end with several commit markers, which a committed offset stops before;
      // the evaluator's read position passes them.
      let repartition = { read: 0, end: 0 };
      await waitFor(
        async () => {
          repartition = await readProgress(evaluator.runner, [
            catalog.predictionsRepartition.name,
            catalog.labelsRepartition.name,
          ]);
          return repartition.end > 0 && repartition.read === repartition.end;
        },
        {
          timeoutMs: 60_000,
          description: () => `repartition topics read (${JSON.stringify(repartition)})`,
        },
      );
      expect(compareExact(await committedEvaluations(f), run.expected)).toEqual({
        count: run.expected.size,
        duplicates: [],
        missing: [],
        unexpected: [],
      });
      const expected = await expectedEvidence(f, run.records);
      expect(await settledEvidence(f, expected)).toEqual(expected);
      // Most records were not where murmur2 puts them (3 in 4, by chance, with 4 partitions).
      const metrics = await evaluator.registry.metrics();
      const forwarded = metrics
        .split('\n')
        .filter((l) => l.startsWith('kanary_evaluator_repartitioned_total{'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
      expect(forwarded).toBeGreaterThan(0.6 * run.records.length);
      expect(forwarded).toBeLessThan(0.9 * run.records.length);
    } finally {
      await committed.stop();
      await evaluator.stop();
    }
  });
});
