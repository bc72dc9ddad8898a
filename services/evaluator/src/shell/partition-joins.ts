import { KanaryError } from '@kanary/contracts';
import type { EvidenceFolder } from '@kanary/evidence';
import type { Logger } from '@kanary/observability';
import { JoinProcessor, type JoinConfig } from '@kanary/join';

/** A restore finished after the processors were dropped; its result is discarded. */
export class StaleRestoreError extends KanaryError {
  constructor(partition: number) {
    super('STALE_RESTORE', `restore of partition ${partition} outlived a reset`, {
      retriable: true,
    });
  }
}

/** What one input partition's task holds: its join and the evidence it folds. */
export interface PartitionTask {
  readonly processor: JoinProcessor;
  readonly folder: EvidenceFolder;
}

/**
 * Fills a fresh task from its partition of the changelog and of the evidence topic
 * (`processor.restore` and `folder.restore`, not `init`).
 */
export type RestorePartition = (
  partition: number,
  task: PartitionTask,
  signal: AbortSignal,
) => Promise<void>;

export interface PartitionJoinsOptions {
  join: JoinConfig;
  restore: RestorePartition;
  /** A fresh evidence folder for a partition. */
  newFolder(partition: number): EvidenceFolder;
  clock: () => number;
  logger: Logger;
}

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The join processors and evidence folders of the input partitions this instance owns, one of
 * each per partition, restored from the changelog and the evidence topic on first use. The in-memory state must never run ahead of what is
 * committed: on a rebalance or after outputs failed to commit, `reset` drops every processor and
 * they are restored again, which is simple and correct because another instance may have
 * advanced a partition in between.
 */
export class PartitionJoins {
  private readonly loaded = new Map<number, PartitionTask>();
  private readonly loading = new Map<number, Promise<PartitionTask>>();
  private assigned: readonly number[] = [];
  private generation = 0;
  /** Drops per partition: a restore that began before its partition's drop is discarded. */
  private readonly drops = new Map<number, number>();
  private cancel = new AbortController();

  constructor(private readonly options: PartitionJoinsOptions) {}

  /** Drops every processor; `assigned` replaces the owned partitions (after a rebalance). */
  reset(assigned?: readonly number[]): void {
    this.generation += 1;
    this.cancel.abort();
    this.cancel = new AbortController();
    for (const { processor } of this.loaded.values()) processor.close();
    this.loaded.clear();
    this.loading.clear();
    if (assigned !== undefined) this.assigned = [...assigned].sort((a, b) => a - b);
  }

  /**
   * Drops one partition's processor, loaded or loading; it is restored again on next use. Other
   * partitions keep theirs.
   */
  drop(partition: number): void {
    this.loaded.get(partition)?.processor.close();
    this.loaded.delete(partition);
    this.loading.delete(partition);
    this.drops.set(partition, (this.drops.get(partition) ?? 0) + 1);
  }

  /** The partition's task, restored first if needed; heartbeats while it waits. */
  async get(partition: number, heartbeat: () => Promise<void>): Promise<PartitionTask> {
    const ready = this.loaded.get(partition);
    if (ready !== undefined) return ready;
    const pending = this.load(partition);
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => {
        timer = setTimeout(() => resolve('tick'), HEARTBEAT_EVERY_MS);
      });
      const result = await Promise.race([pending, tick]).finally(() => clearTimeout(timer));
      if (result !== 'tick') return result;
      await heartbeat();
    }
  }

  /**
   * Starts restoring owned partitions among `started` that are neither loaded nor loading, so
   * that TTL expiry also progresses on partitions no record has arrived on since the last reset.
   */
  loadAssigned(started: readonly number[]): void {
    const owned = new Set(this.assigned);
    for (const partition of started) {
      if (!owned.has(partition)) continue;
      if (this.loaded.has(partition) || this.loading.has(partition)) continue;
      this.load(partition).catch((err: unknown) => {
        if (err instanceof StaleRestoreError) return;
        this.options.logger.warn(
          { event: 'evaluator.restore_failed', partition, err },
          'restoring a partition failed; retried on the next punctuation or batch',
        );
      });
    }
  }

  /** Loaded processors by partition, in partition order. */
  processors(): Array<[number, JoinProcessor]> {
    return this.tasks().map(([p, task]) => [p, task.processor]);
  }

  /** Loaded tasks by partition, in partition order. */
  tasks(): Array<[number, PartitionTask]> {
    return [...this.loaded].sort(([a], [b]) => a - b);
  }

  get assignedPartitions(): readonly number[] {
    return this.assigned;
  }

  private load(partition: number): Promise<PartitionTask> {
    const existing = this.loading.get(partition);
    if (existing !== undefined) return existing;
    const generation = this.generation;
    const drops = this.drops.get(partition) ?? 0;
    const current = () =>
      generation === this.generation && drops === (this.drops.get(partition) ?? 0);
    const signal = this.cancel.signal;
    const pending = (async () => {
      const processor = new JoinProcessor(this.options.join);
      const task: PartitionTask = { processor, folder: this.options.newFolder(partition) };
      try {
        await this.options.restore(partition, task, signal);
        processor.init({ now: this.options.clock() });
      } catch (e) {
        processor.close();
        throw current() ? e : new StaleRestoreError(partition);
      }
      if (!current()) {
        processor.close();
        throw new StaleRestoreError(partition);
      }
      this.loaded.set(partition, task);
      return task;
    })();
    this.loading.set(partition, pending);
    const forget = () => {
      if (this.loading.get(partition) === pending) this.loading.delete(partition);
    };
    pending.then(forget, forget);
    return pending;
  }
}
