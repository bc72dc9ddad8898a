import { createMetricsRegistry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { deadLetter } from './dead-letter.js';
import { DeadLetterCounter } from './dead-letter-counter.js';

class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

const letter = (topic: string, error: Error) =>
  deadLetter({ topic, partition: 0, offset: '1', key: null, value: null }, error, 'test');

describe('DeadLetterCounter', () => {
  it('counts letters by source topic and error class from their headers, one counter per registry', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    const a = new DeadLetterCounter(registry);
    const b = new DeadLetterCounter(registry);
    a.count([
      letter('requests', new UnknownModelError('x')),
      letter('requests', new TypeError('y')),
    ]);
    b.count([letter('requests', new UnknownModelError('z')), {}]);
    const text = await registry.metrics();
    expect(text).toContain(
      'kanary_dlq_records_total{topic="requests",error="UnknownModelError",service="test"} 2',
    );
    expect(text).toContain(
      'kanary_dlq_records_total{topic="requests",error="TypeError",service="test"} 1',
    );
    expect(text).toContain(
      'kanary_dlq_records_total{topic="unknown",error="Error",service="test"} 1',
    );
  });
});
