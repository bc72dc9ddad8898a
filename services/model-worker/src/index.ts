export { loadConfig, SERVICE, type WorkerConfig } from './config.js';
export { callOutcome, failed, type CallOutcome } from './core/call-outcome.js';
export { parseFeatures } from './core/parse-features.js';
export { toPrediction } from './core/to-prediction.js';
export { callBackend, type CallOptions } from './shell/call-backend.js';
export {
  predictionProcessor,
  type PredictionProcessor,
  type PredictionProcessorOptions,
} from './shell/prediction-processor.js';
export { startModelWorker, type RunningWorker } from './shell/model-worker.js';
export { workerMetrics, type WorkerMetrics } from './shell/worker-metrics.js';
