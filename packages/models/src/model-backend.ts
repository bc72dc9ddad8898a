import { abortedOutcome } from './abort-reason.js';
import {
  BackendKind,
  type BackendResult,
  errorResult,
  type ModelBackend,
  okResult,
  type PredictRequest,
} from './backend.js';
import { type Classification, compileClassifier } from './classifier.js';
import { hashUniform } from './hash-uniform.js';
import { type CompiledLatency, latencyAt, ZERO_LATENCY } from './latency.js';
import type { ModelArtifact } from './model-artifact.js';
import { featureVector, weatherFeaturesSchema } from './weather-features.js';

export interface ModelBackendOptions {
  /** Latency to simulate per request. @default { constantMs: 0 } */
  readonly latency?: CompiledLatency;
  /** Seed of the latency draws. @default 0 */
  readonly seed?: number;
}

/**
 * A backend serving a trained weather model. Invalid features are an ERROR outcome naming the
 * problem, not an exception. Output is the class name; score is the model's probability for it,
 * and scores the probability of every class of the artifact (both model types give them: the
 * tree its leaf's class shares, the regression its normalised one-vs-rest probabilities).
 */
export function createModelBackend(
  artifact: ModelArtifact,
  options: ModelBackendOptions = {},
): ModelBackend {
  const classify = compileClassifier(artifact);
  const latency = options.latency ?? ZERO_LATENCY;
  const seed = options.seed ?? 0;
  return {
    kind: BackendKind.MODEL,
    async predict(request: PredictRequest, signal?: AbortSignal): Promise<BackendResult> {
      const aborted = abortedOutcome(signal);
      if (aborted) return aborted;
      const parsed = weatherFeaturesSchema.safeParse(request.features);
      if (!parsed.success) {
        const reasons = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        return errorResult(`${artifact.name}: invalid features: ${reasons}`);
      }
      let classification: Classification;
      try {
        classification = classify(featureVector(parsed.data, artifact.features));
      } catch (error) {
        return errorResult(`${artifact.name}: ${(error as Error).message}`);
      }
      const { label, score, scores } = classification;
      const simulatedLatencyMs = latencyAt(
        latency,
        hashUniform(seed, request.variant ?? '', request.requestId, 'latency'),
      );
      return okResult(label, score, simulatedLatencyMs, scores);
    },
  };
}
