import { metricFactory, type Registry } from '@kanary/observability';

/** Latency buckets in seconds, from 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The worker's Prometheus metrics. Counted when a batch is processed, so a batch re-processed
 * after an aborted transaction counts twice here while its predictions appear once on the topic.
 */
export function workerMetrics(registry: Registry) {
  const m = metricFactory(registry);
  return {
    predictions: m.counter(
      'kanary_predictions_total',
      'Predictions made, by model, variant and status',
      ['variant', 'status', 'model'],
    ),
    latency: m.histogram(
      'kanary_prediction_latency_seconds',
      'Reported prediction latency (simulated plus real), by model, variant and status',
      ['variant', 'status', 'model'],
      LATENCY_BUCKETS,
    ),
    skipped: m.counter(
      'kanary_worker_skipped_total',
      'Routed records skipped because this worker does not serve their variant',
      ['variant'],
    ),
    callerDispatched: m.counter(
      'kanary_worker_caller_dispatched_total',
      'Routed records skipped because their caller answers them (dispatch CALLER: assigned over HTTP)',
      ['variant'],
    ),
    inFlight: m.gauge('kanary_worker_in_flight', 'Backend calls in progress'),
  };
}

export type WorkerMetrics = ReturnType<typeof workerMetrics>;
