import { metricFactory, type Counter, type Registry } from '@kanary/observability';
import { DeadLetterCounter } from './dead-letter-counter.js';
import type { ProcessorStats } from './processor-options.js';
import type { TopicMessages } from './split-sends.js';

/**
 * A runner's counts: its {@link ProcessorStats}, and with a registry the record counters
 * `kanary_records_processed_total` and `kanary_records_produced_total` (by topic) and the
 * dead-letter counter. Several runners may share a registry and its counters as long as they
 * read different topics. Counted once committed, never for work that was aborted.
 */
export class ProcessorMetrics {
  readonly stats: ProcessorStats = { processed: 0, deadLettered: 0, produced: 0, batches: 0 };
  private readonly counters;
  private readonly deadLetters: DeadLetterCounter | undefined;

  constructor(
    registry: Registry | undefined,
    /** The dead-letter topic: what is produced there is also counted as dead letters. */
    private readonly dlq: string,
  ) {
    const m = registry ? metricFactory(registry) : undefined;
    const counter = <L extends string>(name: string, help: string, labels: readonly L[]) =>
      (registry?.getSingleMetric(name) as Counter<L> | undefined) ?? m!.counter(name, help, labels);
    this.counters = m && {
      processed: counter('kanary_records_processed_total', 'Valid input records processed', [
        'topic',
      ]),
      produced: counter('kanary_records_produced_total', 'Records produced', ['topic']),
    };
    this.deadLetters = registry && new DeadLetterCounter(registry);
  }

  /** Counts committed messages per topic, and the dead letters among them (whatever made them). */
  produced(topicMessages: readonly TopicMessages[]): void {
    for (const tm of topicMessages) {
      this.counters?.produced.inc({ topic: tm.topic }, tm.messages.length);
      if (tm.topic === this.dlq) this.deadLetters?.count(tm.messages);
    }
  }

  /** A committed batch of `topic`: its valid records, its outputs and its dead letters. */
  batch(topic: string, processed: number, produced: number, deadLettered: number): void {
    this.stats.batches += 1;
    this.stats.processed += processed;
    this.stats.deadLettered += deadLettered;
    this.stats.produced += produced;
    this.counters?.processed.inc({ topic }, processed);
  }

  /** A committed tick's outputs. */
  tick(produced: number): void {
    this.stats.produced += produced;
  }
}
