import { Counter, type Registry } from '@kanary/observability';
import type { IHeaders } from 'kafkajs';
import { DlqHeader, dlqHeader } from './dead-letter.js';

export const DLQ_METRIC = 'kanary_dlq_records_total';

/**
 * Counts dead letters as `kanary_dlq_records_total{topic,error}`: the source topic and the error
 * class, read from the letters' own headers, so every service counts the same way whatever made
 * the letter (an undecodable record, an unknown model, a rejected command). One counter per
 * registry: several consumers of a service share it.
 */
export class DeadLetterCounter {
  private readonly counter: Counter<'topic' | 'error'>;

  constructor(registry: Registry) {
    this.counter =
      (registry.getSingleMetric(DLQ_METRIC) as Counter<'topic' | 'error'> | undefined) ??
      new Counter({
        name: DLQ_METRIC,
        help: 'Records sent to the dead-letter topic, by source topic and error class',
        labelNames: ['topic', 'error'],
        registers: [registry],
      });
  }

  /** Counts letters once they are committed (built by `deadLetter`). */
  count(letters: ReadonlyArray<{ readonly headers?: IHeaders | undefined }>): void {
    for (const { headers } of letters) {
      this.counter.inc({
        topic: dlqHeader(headers, DlqHeader.sourceTopic) ?? 'unknown',
        error: dlqHeader(headers, DlqHeader.errorClass) ?? 'Error',
      });
    }
  }
}
