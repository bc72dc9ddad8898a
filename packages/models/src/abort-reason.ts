import { type FailedResult, timeoutResult } from './backend.js';

/**
 * Whether an abort reason means "took too long" rather than "cancelled". `AbortSignal.timeout()`
 * aborts with a DOMException named TimeoutError; that becomes a TIMEOUT outcome, while any other
 * reason (shutdown, caller cancellation) is rethrown to the caller.
 */
export function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === 'object' &&
    reason !== null &&
    'name' in reason &&
    reason.name === 'TimeoutError'
  );
}

/**
 * The outcome of a call whose signal has fired: TIMEOUT for a timeout, otherwise the abort
 * reason is thrown. Returns undefined while the signal has not fired.
 */
export function abortedOutcome(signal: AbortSignal | undefined): FailedResult | undefined {
  if (!signal?.aborted) return undefined;
  if (isTimeoutReason(signal.reason))
    return timeoutResult('deadline exceeded before the prediction finished');
  throw signal.reason;
}
