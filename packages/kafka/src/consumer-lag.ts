import type { Logger, Registry } from '@kanary/observability';
import { Gauge } from '@kanary/observability';
import type { Admin } from 'kafkajs';

export const CONSUMER_LAG_METRIC = 'kanary_consumer_lag_records';

/** What is known of one partition when its lag is computed. */
export interface PartitionOffsets {
  /** The end a read_committed consumer can reach (last stable offset). */
  readonly end: number;
  /** The earliest offset still in the log. */
  readonly low: number;
  /** The group's committed offset; undefined when the group commits nothing or has not yet. */
  readonly committed?: number | undefined;
  /** The next offset this consumer will handle, as far as it has read in this process. */
  readonly position?: number | undefined;
}

/**
 * Records between a consumer's progress and the end of a partition. Progress is the furthest of
 * what is known: the committed offset (durable, but absent for groups that commit nothing), the
 * in-process position (exact, but unknown before the first batch after a restart) and the low
 * watermark (records removed by retention are not owed). Transactional topics end with a commit
 * marker: a committed offset stops one short of it, so a restarted consumer on an idle topic
 * shows a lag of 1 until it reads again — the same figure `kafka-consumer-groups.sh` shows.
 */
export function partitionLag(offsets: PartitionOffsets): number {
  const progress = Math.max(offsets.low, offsets.committed ?? 0, offsets.position ?? 0);
  return Math.max(0, offsets.end - progress);
}

export interface ConsumerLagOptions {
  /** A connected admin client (created on first use). */
  admin(): Promise<Admin>;
  registry: Registry;
  logger: Logger;
  groupId: string;
  /** Read the group's committed offsets too (false for groups that commit nothing). */
  committed: boolean;
  /** The in-process position of a partition; undefined or 0 when nothing was read yet. */
  position(topic: string, partition: number): number | undefined;
  /** How often the gauge is refreshed, in ms. */
  intervalMs: number;
}

/**
 * The `kanary_consumer_lag_records{topic,partition}` gauge of one consumer, for the partitions
 * assigned to it (so the sum over a group's instances is the group's lag). Refreshed on a timer
 * from two cheap admin requests per topic (ListOffsets, and OffsetFetch for committing groups)
 * rather than from fetch responses, which kafkajs reports only for non-empty batches: a
 * consumer that is stuck, or has stopped fetching, must still show its lag growing.
 */
export class ConsumerLag {
  private readonly gauge: Gauge<'topic' | 'partition'>;
  private assignment: Readonly<Record<string, readonly number[]>> = {};
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: ConsumerLagOptions) {
    this.gauge =
      (options.registry.getSingleMetric(CONSUMER_LAG_METRIC) as
        Gauge<'topic' | 'partition'> | undefined) ??
      new Gauge({
        name: CONSUMER_LAG_METRIC,
        help: 'Records on an input partition not yet handled by the consumer it is assigned to (read_committed end minus progress)',
        labelNames: ['topic', 'partition'],
        registers: [options.registry],
      });
  }

  /** The partitions this member now owns; series of partitions it lost are removed. */
  assign(assignment: Readonly<Record<string, readonly number[]>>): void {
    this.clear();
    this.assignment = assignment;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.inFlight === undefined) {
        this.inFlight = this.refresh().finally(() => (this.inFlight = undefined));
      }
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops refreshing and removes this consumer's series. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    this.clear();
    this.assignment = {};
  }

  /** Computes the lag of every assigned partition now (failures are logged, the gauge kept). */
  async refresh(): Promise<void> {
    const assignment = this.assignment;
    const topics = Object.keys(assignment).filter((t) => (assignment[t] ?? []).length > 0);
    if (topics.length === 0) return;
    try {
      const admin = await this.options.admin();
      const [ends, committed] = await Promise.all([
        Promise.all(
          topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
        ),
        this.options.committed
          ? admin.fetchOffsets({ groupId: this.options.groupId, topics })
          : Promise.resolve([]),
      ]);
      const committedOf = new Map<string, number>();
      for (const { topic, partitions } of committed) {
        for (const { partition, offset } of partitions) {
          if (Number(offset) >= 0) committedOf.set(`${topic}:${partition}`, Number(offset));
        }
      }
      // The assignment may have changed while the offsets were fetched.
      if (assignment !== this.assignment) return;
      for (const { topic, offsets } of ends) {
        const owned = new Set(assignment[topic]);
        for (const { partition, offset, low } of offsets) {
          if (!owned.has(partition)) continue;
          const lag = partitionLag({
            end: Number(offset),
            low: Number(low),
            committed: committedOf.get(`${topic}:${partition}`),
            position: this.options.position(topic, partition),
          });
          this.gauge.set({ topic, partition: String(partition) }, lag);
        }
      }
    } catch (err) {
      this.options.logger.debug(
        { event: 'kafka.consumer_lag_failed', groupId: this.options.groupId, err },
        'consumer lag not refreshed',
      );
    }
  }

  private clear(): void {
    for (const [topic, partitions] of Object.entries(this.assignment)) {
      for (const partition of partitions)
        this.gauge.remove({ topic, partition: String(partition) });
    }
  }
}
