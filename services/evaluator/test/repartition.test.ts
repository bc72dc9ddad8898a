import { crc32 } from 'node:zlib';
import { collectMessages, disconnectTestClients, waitFor } from '@kanary/testkit';
import type { ICustomPartitioner } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator } from '../src/index.js';
import { expectedEvidence, publishedEvidence, startWorkloadRollout } from './evidence-check.js';
import {
  committedEvaluations,
  compareExact,
  evaluatorFixture,
  inputProgress,
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
      // The repartition topics are written in transactions: each partition ends with a commit
      // marker, which a consumer's committed offset stops before.
      let repartition = { committed: 0, end: 0 };
      const markers = 2 * f.partitions;
      await waitFor(
        async () => {
          repartition = await inputProgress(f, group, [
            catalog.predictionsRepartition.name,
            catalog.labelsRepartition.name,
          ]);
          return repartition.end > 0 && repartition.committed >= repartition.end - markers;
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
      expect(await publishedEvidence(f)).toEqual(await expectedEvidence(f, run.records));
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
