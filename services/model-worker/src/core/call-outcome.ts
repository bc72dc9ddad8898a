import type { PredictionStatus } from '@kanary/contracts';
import { type BackendResult, type ClassScores, classScores } from '@kanary/models';

/** What one backend call amounted to, ready to become a Prediction. */
export interface CallOutcome {
  readonly status: PredictionStatus;
  readonly output: string | null;
  readonly score: number | null;
  /** Probability of every class, when the backend gave them; null otherwise. */
  readonly scores: ClassScores | null;
  /** Error text for ERROR and TIMEOUT, null for OK. */
  readonly error: string | null;
  /** Reported latency: simulated latency plus the real time the call took, in milliseconds. */
  readonly latencyMs: number;
}

/**
 * Turns a backend result and the real time the call took into the outcome to publish.
 *
 * The reported latency is `simulatedLatencyMs + realMs`: a simulated backend answers at once and
 * says how long a real model would have taken, so its latency distribution reaches the
 * evaluator whether or not the worker actually waits (benchmarks skip the wait).
 *
 * A simulated latency at or past the worker's deadline is a TIMEOUT. The rule compares the
 * simulated latency alone, not the sum, so that a re-processed batch after a crash reaches the
 * same status: the simulated part is a pure function of the request, the real part is not.
 */
export function callOutcome(result: BackendResult, realMs: number, timeoutMs: number): CallOutcome {
  const simulated = result.simulatedLatencyMs;
  const latencyMs = simulated + realMs;
  const deadlinePassed = (): CallOutcome =>
    failed(
      'TIMEOUT',
      `no answer within the ${timeoutMs} ms deadline (simulated latency ${round(simulated)} ms)`,
      Math.max(timeoutMs, realMs),
    );
  if (result.status === 'TIMEOUT') {
    // A simulated TIMEOUT lasted until its own deadline, or the worker's if that came first.
    return failed('TIMEOUT', result.error, Math.min(latencyMs, Math.max(timeoutMs, realMs)));
  }
  if (simulated >= timeoutMs) return deadlinePassed();
  if (result.status !== 'OK') return failed('ERROR', result.error, latencyMs);
  // A Prediction with status OK must carry an output; an answer without one is a backend fault.
  if (result.output === null)
    return failed('ERROR', 'the backend answered without an output', latencyMs);
  const score = result.score !== null && Number.isFinite(result.score) ? result.score : null;
  return {
    status: 'OK',
    output: result.output,
    score,
    scores: usable(result.scores),
    error: null,
    latencyMs,
  };
}

/**
 * A backend's class probabilities if they are probabilities (the built-in backends check theirs;
 * a backend of a library user might not), else null: a Prediction that breaks its schema's rule
 * (numbers in [0, 1] summing to 1) would be dead-lettered, losing the answer with them.
 */
function usable(scores: ClassScores | null): ClassScores | null {
  if (scores === null) return null;
  const checked = classScores(Object.keys(scores), Object.values(scores), 'scores');
  return checked.ok ? checked.scores : null;
}

/** The outcome of a call that did not produce a backend result (deadline, thrown error, bad input). */
export function failed(status: 'ERROR' | 'TIMEOUT', error: string, latencyMs: number): CallOutcome {
  return { status, output: null, score: null, scores: null, error, latencyMs };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
