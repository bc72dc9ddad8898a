import { createLogger } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { EvidenceFolder } from '@kanary/evidence';
import { parseJoinConfig } from '@kanary/join';
import { predicted, T0 } from '@kanary/join/fixtures';
import { PartitionJoins, StaleRestoreError, type PartitionTask } from './partition-joins.js';

interface PendingRestore {
  readonly partition: number;
  readonly task: PartitionTask;
  finish(): void;
}

function joins() {
  const restores: PendingRestore[] = [];
  const partitions = new PartitionJoins({
    join: parseJoinConfig(),
    clock: () => T0,
    logger: createLogger({ service: 'test', level: 'silent', pretty: false }),
    newFolder: (partition) =>
      new EvidenceFolder({
        partition,
        partitions: 4,
        inputs: ['routed'],
        relativeAccuracy: 0.01,
        latenessMs: 0,
        terms: () => undefined,
      }),
    restore: (partition, task) =>
      new Promise<void>((resolve) => restores.push({ partition, task, finish: resolve })),
  });
  return { partitions, restores };
}

const heartbeat = () => Promise.resolve();
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('PartitionJoins', () => {
  it('restores a partition once, however many ask for it, then serves it from memory', async () => {
    const { partitions, restores } = joins();
    const first = partitions.get(1, heartbeat);
    const second = partitions.get(1, heartbeat);
    await flushed();
    expect(restores).toHaveLength(1);
    restores[0]!.finish();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(await partitions.get(1, heartbeat)).toBe(a);
    expect(partitions.processors().map(([p]) => p)).toEqual([1]);
  });

  it('discards a restore that finishes after a reset, and restores again', async () => {
    const { partitions, restores } = joins();
    const stale = partitions.get(2, heartbeat);
    await flushed();
    partitions.reset([2]);
    restores[0]!.finish();
    await expect(stale).rejects.toBeInstanceOf(StaleRestoreError);
    expect(partitions.processors()).toEqual([]);

    const fresh = partitions.get(2, heartbeat);
    await flushed();
    expect(restores).toHaveLength(2);
    restores[1]!.finish();
    expect(await fresh).toBe(restores[1]!.task);
  });

  it('drops loaded processors on reset (their state may be ahead of the changelog)', async () => {
    const { partitions, restores } = joins();
    const loading = partitions.get(0, heartbeat);
    await flushed();
    restores[0]!.finish();
    const { processor, folder } = await loading;
    expect(folder.currentWatermark).toBe(Number.NEGATIVE_INFINITY);
    processor.process(predicted(), T0);
    partitions.reset();
    expect(partitions.processors()).toEqual([]);
    expect(() => processor.process(predicted({ requestId: 'x' }), T0)).toThrow(/phase running/);
  });

  it('loads every assigned, started partition that is neither loaded nor loading', async () => {
    const { partitions, restores } = joins();
    partitions.reset([3, 0, 1]);
    const loading = partitions.get(1, heartbeat);
    await flushed();
    // 5 is not assigned; 2 is neither: only assigned partitions the runner started are loaded.
    partitions.loadAssigned([0, 1, 3, 5]);
    partitions.loadAssigned([0, 1, 3]);
    await flushed();
    expect(restores.map((r) => r.partition).sort()).toEqual([0, 1, 3]);
    for (const r of restores) r.finish();
    await loading;
    await flushed();
    expect(partitions.processors().map(([p]) => p)).toEqual([0, 1, 3]);
  });

  it('heartbeats while a restore takes long', async () => {
    const { partitions, restores } = joins();
    let beats = 0;
    const loading = partitions.get(0, () => {
      beats += 1;
      if (beats === 2) restores[0]!.finish();
      return Promise.resolve();
    });
    await loading;
    expect(beats).toBe(2);
  }, 10_000);
});
