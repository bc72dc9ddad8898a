import { createMetricsRegistry, type Registry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { deadLetter } from './dead-letter.js';
import { ProcessorMetrics } from './processor-metrics.js';
import type { TopicMessages } from './split-sends.js';

const letter = deadLetter(
  { topic: 'in', partition: 0, offset: '3', key: null, value: null },
  new TypeError('bad'),
  'unit-test',
);
const out = (topic: string, count: number): TopicMessages => ({
  topic,
  messages: Array.from({ length: count }, () => ({ ...letter })),
});

/** The metric samples with a value other than 0, as `name{labels} value` without the service label. */
async function samples(registry: Registry): Promise<string[]> {
  return (await registry.metrics())
    .split('\n')
    .filter((l) => l.startsWith('kanary_') && !l.endsWith(' 0'))
    .map((l) => l.replace(/,?service="unit-test"/, ''));
}

type Call =
  | { batch: [topic: string, processed: number, produced: number, deadLettered: number] }
  | { tick: number }
  | { produced: TopicMessages[] };

describe('ProcessorMetrics', () => {
  it.each<{ case: string; calls: Call[]; stats: object; samples: string[] }>([
    {
      case: 'nothing yet',
      calls: [],
      stats: { processed: 0, deadLettered: 0, produced: 0, batches: 0 },
      samples: [],
    },
    {
      case: 'a batch with outputs and a dead letter, then a tick',
      calls: [
        { produced: [out('labels', 2), out('dlq', 1)] },
        { batch: ['in', 4, 2, 1] },
        { produced: [out('labels', 3)] },
        { tick: 3 },
      ],
      stats: { processed: 4, deadLettered: 1, produced: 5, batches: 1 },
      samples: [
        'kanary_records_processed_total{topic="in"} 4',
        'kanary_records_produced_total{topic="labels"} 5',
        'kanary_records_produced_total{topic="dlq"} 1',
        'kanary_dlq_records_total{topic="in",error="TypeError"} 1',
      ],
    },
  ])('$case', async ({ calls, stats, samples: expected }) => {
    const registry = createMetricsRegistry('unit-test', { processMetrics: false });
    const metrics = new ProcessorMetrics(registry, 'dlq');
    for (const call of calls) {
      if ('batch' in call) metrics.batch(...call.batch);
      else if ('tick' in call) metrics.tick(call.tick);
      else metrics.produced(call.produced);
    }
    expect(metrics.stats).toEqual(stats);
    expect((await samples(registry)).sort()).toEqual([...expected].sort());
  });

  it('shares the counters of a registry between runners', async () => {
    const registry = createMetricsRegistry('unit-test', { processMetrics: false });
    new ProcessorMetrics(registry, 'dlq').batch('a', 1, 0, 0);
    new ProcessorMetrics(registry, 'dlq').batch('b', 2, 0, 0);
    expect((await samples(registry)).sort()).toEqual([
      'kanary_records_processed_total{topic="a"} 1',
      'kanary_records_processed_total{topic="b"} 2',
    ]);
  });

  it('keeps only the stats without a registry', () => {
    const metrics = new ProcessorMetrics(undefined, 'dlq');
    metrics.produced([out('dlq', 1)]);
    metrics.batch('in', 0, 0, 1);
    expect(metrics.stats).toEqual({ processed: 0, deadLettered: 1, produced: 0, batches: 1 });
  });
});
