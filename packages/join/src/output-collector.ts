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

/** Gathers one call's outputs; changelog writes to the same key coalesce to the last value. */
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
