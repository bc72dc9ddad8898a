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
import { parseConfig } from './config-error.js';
import type { EndpointCodec } from './endpoint-codec.js';
import { type CompiledHttpConfig, type HttpConfig, httpConfigSchema } from './http-config.js';
import { jsonCodec } from './json-codec.js';
import { kserveV2Codec } from './kserve-v2-codec.js';

/** A non-2xx response; 5xx is worth retrying, 4xx is the request's fault and is not. */
export class HttpStatusError extends Error {
  readonly retriable: boolean;
  constructor(
    readonly status: number,
    url: string,
    body: string,
  ) {
    super(`HTTP ${status} from ${url}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpStatusError';
    this.retriable = status >= 500;
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
    const error = new HttpStatusError(response.status, url, text);
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

/**
 * A backend calling an external model server (KServe v2 or plain JSON). Retries 5xx responses
 * and network errors with exponential backoff, never 4xx; the whole call, retries included, has
 * `timeoutMs`, past which the outcome is TIMEOUT.
 */
export function createHttpBackend(config: HttpConfig): ModelBackend {
  const http: CompiledHttpConfig = parseConfig(httpConfigSchema, config, 'http backend config');
  const codec: EndpointCodec =
    http.endpoint.protocol === 'kserve-v2'
      ? kserveV2Codec(http.endpoint)
      : jsonCodec(http.endpoint);
  return {
    kind: BackendKind.HTTP,
    async predict(request: PredictRequest, signal?: AbortSignal): Promise<BackendResult> {
      const aborted = abortedOutcome(signal);
      if (aborted) return aborted;
      const call = codec.encode(request);
      if ('error' in call) return errorResult(call.error);

      const deadline = AbortSignal.timeout(http.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      let body: unknown;
      try {
        body = await pRetry(() => postJson(call.url, call.body, http.headers, combined), {
          retries: http.retry.retries,
          minTimeout: http.retry.minDelayMs,
          maxTimeout: http.retry.maxDelayMs,
          factor: http.retry.factor,
          signal: combined,
          shouldRetry: () => !combined.aborted,
        });
      } catch (error) {
        if (signal?.aborted) {
          if (!isTimeoutReason(signal.reason)) throw signal.reason;
          return timeoutResult(`the caller's deadline passed before ${call.url} answered`);
        }
        if (deadline.aborted)
          return timeoutResult(`no response from ${call.url} within ${http.timeoutMs} ms`);
        return errorResult(describe(error));
      }
      const decoded = codec.decode(body);
      return 'error' in decoded
        ? errorResult(`${call.url}: ${decoded.error}`)
        : okResult(decoded.output, decoded.score);
    },
  };
}
