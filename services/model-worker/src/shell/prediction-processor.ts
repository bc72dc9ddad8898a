import type { Prediction, RoutedRequest, TopicSpec } from '@kanary/contracts';
import type { BatchContext, InputRecord, OutputRecord } from '@kanary/kafka';
import type { ModelBackend } from '@kanary/models';
import type { Logger } from '@kanary/observability';
import pLimit from 'p-limit';
import { failed, type CallOutcome } from '../core/call-outcome.js';
import { parseFeatures } from '../core/parse-features.js';
import { toPrediction } from '../core/to-prediction.js';
import { callBackend, type CallOptions } from './call-backend.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface PredictionProcessorOptions extends CallOptions {
  /** Backend of every variant this worker serves. */
  readonly backends: ReadonlyMap<string, ModelBackend>;
  /** Backend calls in flight at once, across batches. */
  readonly concurrency: number;
  readonly predictions: TopicSpec<'Prediction'>;
  readonly logger: Logger;
  readonly metrics?: WorkerMetrics | undefined;
  /** Epoch milliseconds; the prediction's timestamp. @default Date.now */
  readonly now?: () => number;
}

export type PredictionProcessor = (
  records: ReadonlyArray<InputRecord<'RoutedRequest'>>,
  context: Pick<BatchContext<'RoutedRequest'>, 'heartbeat'>,
) => Promise<OutputRecord[]>;

/**
 * The worker's `process` step: every routed record of a served variant that the workers answer
 * (`dispatch` WORKER) becomes exactly one Prediction, in input order. Records the caller answers
 * (`dispatch` CALLER: assigned over HTTP, the platform publishes its own Prediction) are skipped,
 * so a request never gets a second prediction; so are records of other variants (another worker
 * group serves them). Backend calls run with bounded concurrency under a deadline; nothing a
 * backend does makes the batch fail, so a failing model never stops the worker or loses a
 * request.
 */
export function predictionProcessor(options: PredictionProcessorOptions): PredictionProcessor {
  const limit = pLimit(options.concurrency);
  const now = options.now ?? Date.now;
  const { metrics, logger } = options;

  const predict = async (request: RoutedRequest, backend: ModelBackend): Promise<Prediction> => {
    const parsed = parseFeatures(request.features);
    let outcome: CallOutcome;
    if (!parsed.ok) {
      outcome = failed('ERROR', parsed.error, 0);
    } else {
      metrics?.inFlight.inc();
      try {
        outcome = await callBackend(
          backend,
          {
            requestId: request.requestId,
            model: request.model,
            variant: request.variant,
            features: parsed.features,
          },
          options,
        );
      } finally {
        metrics?.inFlight.dec();
      }
    }
    if (outcome.status !== 'OK') {
      logger.debug(
        {
          event: 'worker.prediction_failed',
          requestId: request.requestId,
          variant: request.variant,
          status: outcome.status,
          error: outcome.error,
        },
        'prediction failed',
      );
    }
    const labels = { variant: request.variant, status: outcome.status, model: request.model };
    metrics?.predictions.inc(labels);
    metrics?.latency.observe(labels, outcome.latencyMs / 1000);
    return toPrediction(request, outcome, now());
  };

  return async (records, context) => {
    const jobs: Array<Promise<Prediction>> = [];
    for (const record of records) {
      const request = record.value;
      if (request.dispatch !== 'WORKER') {
        metrics?.callerDispatched.inc({ variant: request.variant });
        continue;
      }
      const backend = options.backends.get(request.variant);
      if (backend === undefined) {
        metrics?.skipped.inc({ variant: request.variant });
        continue;
      }
      jobs.push(
        limit(async () => {
          const prediction = await predict(request, backend);
          // Long batches must keep the group membership alive; kafkajs rate-limits heartbeats.
          await context.heartbeat();
          return prediction;
        }),
      );
    }
    const predictions = await Promise.all(jobs);
    return predictions.map((value) => ({
      topic: options.predictions,
      key: value.requestId,
      value,
    }));
  };
}
