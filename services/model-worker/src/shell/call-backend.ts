import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BackendKind,
  type BackendResult,
  type ModelBackend,
  type PredictRequest,
} from '@kanary/models';
import { callOutcome, failed, type CallOutcome } from '../core/call-outcome.js';

export interface CallOptions {
  /** Deadline of the whole call, simulated wait included, in milliseconds. */
  readonly timeoutMs: number;
  /** Wait out the backend's simulated latency before answering (off in benchmarks). */
  readonly simulateLatency: boolean;
}

const DEADLINE = Symbol('deadline');
/** How long past the deadline a backend may take to report its own TIMEOUT. */
const ABANDON_GRACE_MS = 25;

/**
 * Calls a backend under a deadline and measures it. Never rejects: a backend that throws is an
 * ERROR outcome carrying the error text, one that ignores its abort signal and outlives the
 * deadline is a TIMEOUT outcome (the call is abandoned, not awaited).
 */
export async function callBackend(
  backend: ModelBackend,
  request: PredictRequest,
  options: CallOptions,
): Promise<CallOutcome> {
  const { timeoutMs } = options;
  const started = performance.now();
  // AbortSignal.timeout aborts with a TimeoutError, which backends report as TIMEOUT in their
  // own words; its timer does not keep the process alive. A backend that ignores the signal is
  // abandoned a moment later.
  const deadline = AbortSignal.timeout(timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(DEADLINE), timeoutMs + ABANDON_GRACE_MS);
  });
  let result: BackendResult | typeof DEADLINE;
  let returnedAt = started;
  try {
    const pending = backend.predict(request, deadline);
    returnedAt = performance.now();
    result = await Promise.race([pending, expired]);
  } catch (e) {
    const elapsed = performance.now() - started;
    return deadline.aborted
      ? failed('TIMEOUT', `no answer within the ${timeoutMs} ms deadline`, elapsed)
      : failed('ERROR', describe(e), elapsed);
  } finally {
    clearTimeout(timer);
  }
  if (result === DEADLINE) {
    const waited = performance.now() - started;
    return failed('TIMEOUT', `no answer within the ${timeoutMs} ms deadline`, waited);
  }
  // In-process backends (sim, model) compute synchronously: their real cost is the time
  // predict() took to return. Awaiting their settled promise would add the time that other
  // in-flight calls hold the event loop, which says nothing about the model.
  const realMs = (backend.kind === BackendKind.HTTP ? performance.now() : returnedAt) - started;
  const outcome = callOutcome(result, realMs, timeoutMs);
  if (options.simulateLatency) {
    // Wait what a real model would have taken, but never past the deadline.
    const wait = Math.min(result.simulatedLatencyMs, Math.max(0, timeoutMs - realMs));
    if (wait > 0) await sleep(wait);
  }
  return outcome;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
