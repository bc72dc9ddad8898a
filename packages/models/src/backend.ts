/**
 * The contract between the model worker and every model backend (simulated, trained, remote).
 *
 * A backend never throws for a failed prediction: an error or a timeout is an outcome carried as
 * data, like the `status` field of the Prediction record it becomes. It only rejects when the
 * caller cancels the call with an abort reason that is not a timeout (for example at shutdown).
 */

/** Outcome of one prediction; the same symbols as the Prediction record's `status`. */
export const BackendStatus = { OK: 'OK', ERROR: 'ERROR', TIMEOUT: 'TIMEOUT' } as const;
export type BackendStatus = (typeof BackendStatus)[keyof typeof BackendStatus];

/** Backend kinds, the discriminator of a backend config. */
export const BackendKind = { SIM: 'sim', MODEL: 'model', HTTP: 'http' } as const;
export type BackendKind = (typeof BackendKind)[keyof typeof BackendKind];

export interface PredictRequest {
  readonly requestId: string;
  /** Model name from the inference request. */
  readonly model: string;
  /**
   * Variant that serves this request. Backends that draw seeded randomness mix it into the draw,
   * so two variants with the same config and seed still behave as independent models.
   */
  readonly variant?: string;
  /** The request's features, already parsed from their JSON text. */
  readonly features: unknown;
}

interface ResultTiming {
  /**
   * Latency the backend simulates, in milliseconds, on top of the real time the call took. The
   * worker waits this long before publishing, or skips the wait in benchmarks. 0 for backends
   * whose latency is real.
   */
  readonly simulatedLatencyMs: number;
}

/** Probability of every class, by class name: each in [0, 1], together summing to 1. */
export type ClassScores = Readonly<Record<string, number>>;

export interface OkResult extends ResultTiming {
  readonly status: typeof BackendStatus.OK;
  /** Predicted class, or numeric text for regression outputs. */
  readonly output: string | null;
  /** Confidence of the predicted class, or the numeric prediction itself. */
  readonly score: number | null;
  /**
   * The model's probability of every class it knows (see {@link classScores}), or null when the
   * model gives none: numeric outputs, models without probabilities, servers not asked for them.
   */
  readonly scores: ClassScores | null;
}

export interface FailedResult extends ResultTiming {
  readonly status: typeof BackendStatus.ERROR | typeof BackendStatus.TIMEOUT;
  readonly error: string;
}

export type BackendResult = OkResult | FailedResult;

export interface ModelBackend {
  readonly kind: BackendKind;
  predict(request: PredictRequest, signal?: AbortSignal): Promise<BackendResult>;
}

export function okResult(
  output: string | null,
  score: number | null,
  simulatedLatencyMs = 0,
  scores: ClassScores | null = null,
): OkResult {
  return { status: BackendStatus.OK, output, score, scores, simulatedLatencyMs };
}

export function errorResult(error: string, simulatedLatencyMs = 0): FailedResult {
  return { status: BackendStatus.ERROR, error, simulatedLatencyMs };
}

export function timeoutResult(error: string, simulatedLatencyMs = 0): FailedResult {
  return { status: BackendStatus.TIMEOUT, error, simulatedLatencyMs };
}
