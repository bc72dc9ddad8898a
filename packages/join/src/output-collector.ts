import type { Evaluation } from '@kanary/contracts';
import type { ChangelogEntry } from './changelog.js';
import type { MetricsSnapshot } from './metrics-aggregator.js';
import type {
  ExpiredItem,
  IgnoredRecord,
  LabelledPair,
  OutputPair,
  ProcessorOutput,
} from './processor-output.js';

/**
 * Gathers outputs of one or several calls (see `JoinProcessor.processInto`); changelog writes to
 * the same key coalesce to the last value, keeping the key's first place.
 */
export class OutputCollector {
  readonly evaluations: Evaluation[] = [];
  readonly outputPairs: OutputPair[] = [];
  readonly labelledPairs: LabelledPair[] = [];
  readonly expired: ExpiredItem[] = [];
  readonly ignored: IgnoredRecord[] = [];
  metrics: MetricsSnapshot | null = null;
  private readonly changes = new Map<string, ChangelogEntry['value']>();

  changed(key: string, value: ChangelogEntry['value']): void {
    this.changes.set(key, value);
  }

  /** Adds changelog entries, e.g. `flush()`'s checkpoints (a key written again takes the new value). */
  addChangelog(entries: readonly ChangelogEntry[]): void {
    for (const { key, value } of entries) this.changes.set(key, value);
  }

  /** The changelog writes gathered so far: each key once, with its last value. */
  changelog(): ReadonlyMap<string, ChangelogEntry['value']> {
    return this.changes;
  }

  result(): ProcessorOutput {
    const changelog: ChangelogEntry[] = [];
    for (const [key, value] of this.changes) changelog.push({ key, value });
    return {
      evaluations: this.evaluations,
      outputPairs: this.outputPairs,
      labelledPairs: this.labelledPairs,
      changelog,
      expired: this.expired,
      ignored: this.ignored,
      metrics: this.metrics,
    };
  }
}
