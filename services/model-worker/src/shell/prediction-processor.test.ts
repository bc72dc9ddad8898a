import {
  exampleEvents,
  topicCatalog,
  type Prediction,
  type RoutedRequest,
} from '@kanary/contracts';
import type { InputRecord } from '@kanary/kafka';
import { BackendKind, createSimBackend, type ModelBackend } from '@kanary/models';
import { createLogger, createMetricsRegistry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { predictionProcessor } from './prediction-processor.js';
import { workerMetrics } from './worker-metrics.js';

const catalog = topicCatalog({ prefix: 'unit' });
const logger = createLogger({ service: 'test', level: 'silent' });

const record = (
  requestId: string,
  variant: string,
  features = '{"trueLabel":"a"}',
  dispatch: RoutedRequest['dispatch'] = 'WORKER',
) =>
  ({
    topic: catalog.routed,
    partition: 0,
    offset: '0',
    key: requestId,
    value: {
      ...exampleEvents.RoutedRequest,
      requestId,
      variant,
      features,
      dispatch,
    } as RoutedRequest,
    timestamp: 0,
    headers: undefined,
  }) as InputRecord<'RoutedRequest'>;

const heartbeat = { heartbeat: () => Promise.resolve() };

describe('predictionProcessor', () => {
  it('answers every record of a served variant once, in input order, and skips the rest', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    let concurrent = 0;
    let peak = 0;
    const slow: ModelBackend = {
      kind: BackendKind.SIM,
      async predict() {
        concurrent += 1;
        peak = Math.max(peak, concurrent);
        await new Promise((r) => setTimeout(r, 5));
        concurrent -= 1;
        return { status: 'OK', output: 'x', score: null, scores: null, simulatedLatencyMs: 0 };
      },
    };
    const process = predictionProcessor({
      backends: new Map([['served', slow]]),
      concurrency: 3,
      timeoutMs: 1_000,
      simulateLatency: false,
      predictions: catalog.predictions,
      logger,
      metrics: workerMetrics(registry),
      now: () => 1_767_225_600_000,
    });
    const records = Array.from({ length: 12 }, (_, i) =>
      record(`r-${i}`, i % 4 === 0 ? 'other' : 'served'),
    );
    const out = await process(records, heartbeat);
    expect(out.map((o) => o.key)).toEqual(
      records.filter((r) => r.value.variant === 'served').map((r) => r.value.requestId),
    );
    expect(out.every((o) => o.topic === catalog.predictions)).toBe(true);
    expect(peak).toBe(3);
    const text = await registry.metrics();
    expect(text).toContain(
      `kanary_predictions_total{variant="served",status="OK",model="${exampleEvents.RoutedRequest.model}",service="test"} 9`,
    );
    expect(text).toContain('kanary_worker_skipped_total{variant="other",service="test"} 3');
  });

  it('leaves the records a caller answers (dispatch CALLER) unanswered and counts them', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    let calls = 0;
    const backend: ModelBackend = {
      kind: BackendKind.SIM,
      predict() {
        calls += 1;
        return Promise.resolve({
          status: 'OK',
          output: 'x',
          score: null,
          scores: null,
          simulatedLatencyMs: 0,
        });
      },
    };
    const process = predictionProcessor({
      backends: new Map([['served', backend]]),
      concurrency: 2,
      timeoutMs: 1_000,
      simulateLatency: false,
      predictions: catalog.predictions,
      logger,
      metrics: workerMetrics(registry),
    });
    const out = await process(
      [
        record('r-1', 'served', undefined, 'CALLER'),
        record('r-2', 'served'),
        record('r-3', 'other', undefined, 'CALLER'),
        record('r-4', 'served', undefined, 'CALLER'),
      ],
      heartbeat,
    );
    expect(out.map((o) => o.key)).toEqual(['r-2']);
    expect(calls).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain(
      'kanary_worker_caller_dispatched_total{variant="served",service="test"} 2',
    );
    expect(text).toContain(
      'kanary_worker_caller_dispatched_total{variant="other",service="test"} 1',
    );
    expect(text).not.toContain('kanary_worker_skipped_total{');
  });

  it('turns backend failures and bad features into ERROR and TIMEOUT predictions', async () => {
    const process = predictionProcessor({
      backends: new Map<string, ModelBackend>([
        ['throws', { kind: BackendKind.SIM, predict: () => Promise.reject(new Error('kaput')) }],
        ['sim', createSimBackend({ kind: 'sim', classes: ['a', 'b'], timeoutRate: 1 })],
      ]),
      concurrency: 2,
      timeoutMs: 500,
      simulateLatency: false,
      predictions: catalog.predictions,
      logger,
    });
    const out = await process(
      [record('r-1', 'throws'), record('r-2', 'sim'), record('r-3', 'sim', '"not an object"')],
      heartbeat,
    );
    const values = out.map((o) => ('value' in o ? (o.value as Prediction) : undefined));
    expect(values[0]).toMatchObject({ status: 'ERROR', error: 'kaput', output: null });
    expect(values[1]).toMatchObject({ status: 'TIMEOUT', error: 'sim: simulated timeout' });
    expect(values[2]).toMatchObject({ status: 'ERROR' });
    expect(values[2]?.error).toContain('trueLabel');
  });
});
