import type { TopicSpec, VariantMetrics } from '@kanary/contracts';
import type { OutputRecord } from '@kanary/kafka';
import {
  OutputCollector,
  type ChangelogEntry,
  type MetricsSnapshot,
  type ProcessorOutput,
} from '@kanary/join';

export interface JoinTopics {
  readonly evaluations: TopicSpec<'Evaluation'>;
  readonly joinChangelog: TopicSpec<null>;
  readonly metrics: TopicSpec<'VariantMetrics'>;
}

/**
 * What one processor produced between two commits (a batch, or a punctuation), gathered into
 * the records of one transaction: the processor's calls write into it directly
 * (`JoinProcessor.processInto`). Changelog entries are folded per key — only the last value of
 * a key in a transaction matters to a restore — which keeps the changelog write volume near one
 * record per touched request.
 */
export class PartitionOutputs extends OutputCollector {
  constructor(readonly partition: number) {
    super();
  }

  /** Adds a `process` or `punctuate` result; its metrics snapshot, if any, is not used here. */
  add(output: ProcessorOutput): void {
    for (const evaluation of output.evaluations) this.evaluations.push(evaluation);
    for (const item of output.expired) this.expired.push(item);
    for (const item of output.ignored) this.ignored.push(item);
    for (const pair of output.outputPairs) this.outputPairs.push(pair);
    for (const pair of output.labelledPairs) this.labelledPairs.push(pair);
    this.addChangelog(output.changelog);
  }

  /**
   * Evaluations keyed by requestId, then the changelog entries pinned to the changelog partition
   * with this input partition's number (reserved keys would hash elsewhere).
   */
  records(topics: JoinTopics): OutputRecord[] {
    const out: OutputRecord[] = this.evaluations.map((value) => ({
      topic: topics.evaluations,
      key: value.requestId,
      value,
    }));
    for (const [key, value] of this.changelog()) {
      out.push({
        topic: topics.joinChangelog,
        key,
        bytes: changelogBytes(value),
        partition: this.partition,
      });
    }
    return out;
  }
}

/** A changelog value as record bytes: a join entry's own bytes as they are, text as UTF-8. */
function changelogBytes(value: ChangelogEntry['value']): Buffer | null {
  if (value === null) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** One `VariantMetrics` record per rollout × variant of a snapshot, keyed by rolloutId. */
export function metricsRecords(
  snapshot: MetricsSnapshot,
  topic: TopicSpec<'VariantMetrics'>,
): OutputRecord[] {
  return snapshot.variants.map((value: VariantMetrics) => ({ topic, key: value.rolloutId, value }));
}
