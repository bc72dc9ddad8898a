import { setTimeout as delay } from 'node:timers/promises';
import DataLoader from 'dataloader';
import pRetry, { AbortError as StopRetrying } from 'p-retry';
import { abortedOutcome, isTimeoutReason } from './abort-reason.js';
import {
  BackendKind,
  type BackendResult,
  errorResult,
  type ModelBackend,
  okResult,
  type PredictRequest,
  timeoutResult,
} from './backend.js';
import { type CallSlots, callSlots } from './call-slots.js';
import { parseConfig } from './config-error.js';
import type { EndpointCodec } from './endpoint-codec.js';
import { type CompiledHttpConfig, type HttpConfig, httpConfigSchema } from './http-config.js';
import { jsonCodec } from './json-codec.js';
import { kserveV2Codec } from './kserve-v2-codec.js';
import { OverloadBackoff, retryAfterMs } from './overload-backoff.js';

/**
 * A non-2xx response. 429 and 503 mean "overloaded": not retried (more calls add to the load),
 * the endpoint backs off instead. Other 5xx are worth retrying; other 4xx are the request's fault.
 */
export class HttpStatusError extends Error {
  readonly retriable: boolean;
  readonly overloaded: boolean;
  constructor(
    readonly status: number,
    url: string,
    body: string,
    /** What the response's Retry-After header asked for, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status} from ${url}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpStatusError';
    this.overloaded = status === 429 || status === 503;
    this.retriable = status >= 500 && !this.overloaded;
  }
}

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  const text = await response.text();
  if (!response.ok) {
    const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now());
    const error = new HttpStatusError(response.status, url, text, retryAfter);
    // p-retry retries whatever is thrown except its AbortError, which ends the retries.
    throw error.retriable ? error : new StopRetrying(error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StopRetrying(`response from ${url} is not JSON: ${text.slice(0, 200)}`);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch reports network failures as TypeError('fetch failed') with the socket error as cause.
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

interface Row {
  readonly requestId: string;
  readonly row: unknown;
}

/**
 * Calls one endpoint (url) with the rows of one or more requests: waits out an overload
 * back-off, retries, and answers one result per row, never rejecting. The whole call, back-off
 * and retries included, has `timeoutMs`, past which every row is TIMEOUT.
 */
function endpointCaller(
  url: string,
  codec: EndpointCodec,
  http: CompiledHttpConfig,
  slots: CallSlots,
): (rows: readonly Row[]) => Promise<BackendResult[]> {
  const backoff = new OverloadBackoff(http.overloadBackoff);
  const call = async (rows: readonly Row[]): Promise<BackendResult[]> => {
    const deadline = AbortSignal.timeout(http.timeoutMs);
    const all = (result: BackendResult): BackendResult[] => rows.map(() => result);
    const body = codec.body(
      rows.map((r) => r.row),
      rows.map((r) => r.requestId),
    );
    let sentAt = Date.now();
    let response: unknown;
    try {
      const wait = backoff.delayMs(sentAt);
      if (wait > 0) await delay(wait, undefined, { signal: deadline });
      sentAt = Date.now();
      response = await pRetry(() => postJson(url, body, http.headers, deadline), {
        retries: http.retry.retries,
        minTimeout: http.retry.minDelayMs,
        maxTimeout: http.retry.maxDelayMs,
        factor: http.retry.factor,
        signal: deadline,
        shouldRetry: () => !deadline.aborted,
      });
    } catch (error) {
      if (deadline.aborted)
        return all(timeoutResult(`no response from ${url} within ${http.timeoutMs} ms`));
      if (error instanceof HttpStatusError && error.overloaded) {
        const waitMs = backoff.overloaded(Date.now(), sentAt, error.retryAfterMs);
        return all(errorResult(`${describe(error)} (backing off ${Math.round(waitMs)} ms)`));
      }
      return all(errorResult(describe(error)));
    }
    backoff.succeeded();
    const decoded = codec.decode(response, rows.length);
    if ('error' in decoded) return all(errorResult(`${url}: ${decoded.error}`));
    return rows.map((_, i) => {
      const prediction = decoded[i] ?? { error: 'no prediction for this row' };
      return 'error' in prediction
        ? errorResult(`${url}: ${prediction.error}`)
        : okResult(prediction.output, prediction.score, 0, prediction.scores);
    });
  };
  return (rows) => call(rows).finally(() => slots.release());
}

/**
 * The call's result, or TIMEOUT once `timeoutMs` has passed since the request came (it may have
 * waited for a call slot) or the caller's own deadline fires; another abort reason rejects.
 */
function unlessAborted(
  pending: Promise<BackendResult>,
  signal: AbortSignal | undefined,
  url: string,
  timeoutMs: number,
): Promise<BackendResult> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const either = signal ? AbortSignal.any([signal, deadline]) : deadline;
  return new Promise<BackendResult>((resolve, reject) => {
    const onAbort = (): void => {
      if (signal?.aborted && !isTimeoutReason(signal.reason)) reject(signal.reason as Error);
      else if (signal?.aborted)
        resolve(timeoutResult(`the caller's deadline passed before ${url} answered`));
      else resolve(timeoutResult(`no response from ${url} within ${timeoutMs} ms`));
    };
    either.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => either.removeEventListener('abort', onAbort));
  });
}

/**
 * A backend calling an external model server (KServe v2 or plain JSON). Retries 5xx responses
 * (except 503) and network errors with exponential backoff, never 4xx; answers 429 and 503 with
 * ERROR and holds off the endpoint's next call (`overloadBackoff`); the whole call, retries
 * included, has `timeoutMs`, past which the outcome is TIMEOUT.
 *
 * Batches (a KServe endpoint's `batch`): requests for the same url share a call, up to
 * `maxRows`, while at most `callsInFlight` calls are out; the requests that come meanwhile gather
 * into the next call, so a backlog goes out in full batches and a lone request at once.
 * DataLoader (the GraphQL project's request batcher) gathers the rows; {@link callSlots}, as its
 * scheduler, holds a batch open until a call slot is free. Without the slots, DataLoader sends
 * whatever arrived in one turn of the event loop: measured against MLServer with the worker at
 * 32 concurrent calls, batches that start at 16 rows decay to 1–3 within a few calls, as the
 * answers of separate calls free the worker's slots at separate moments.
 */
export function createHttpBackend(config: HttpConfig): ModelBackend {
  const http: CompiledHttpConfig = parseConfig(httpConfigSchema, config, 'http backend config');
  const codec: EndpointCodec =
    http.endpoint.protocol === 'kserve-v2'
      ? kserveV2Codec(http.endpoint)
      : jsonCodec(http.endpoint);
  // One batcher per url: a KServe endpoint without a modelName has one per model.
  const batchers = new Map<string, DataLoader<Row, BackendResult>>();
  const batcher = (url: string): DataLoader<Row, BackendResult> => {
    let loader = batchers.get(url);
    if (loader === undefined) {
      const slots = callSlots(codec.callsInFlight);
      loader = new DataLoader(endpointCaller(url, codec, http, slots), {
        cache: false,
        maxBatchSize: codec.maxRows,
        batchScheduleFn: (dispatch) => slots.schedule(dispatch),
      });
      batchers.set(url, loader);
    }
    return loader;
  };
  return {
    kind: BackendKind.HTTP,
    async predict(request: PredictRequest, signal?: AbortSignal): Promise<BackendResult> {
      const aborted = abortedOutcome(signal);
      if (aborted) return aborted;
      const encoded = codec.encode(request);
      if ('error' in encoded) return errorResult(encoded.error);
      const pending = batcher(encoded.url).load({ requestId: request.requestId, row: encoded.row });
      return unlessAborted(pending, signal, encoded.url, http.timeoutMs);
    },
  };
}
