import { signWebhook, WebhookHeader } from './webhook-signature.js';

/** One webhook request failed: no answer in time, no connection, or a non-2xx status. */
export class WebhookRequestError extends Error {
  override readonly name = 'WebhookRequestError';
  constructor(
    message: string,
    /** Worth another attempt: a timeout, a network error, 408, 429 or 5xx. */
    readonly retriable: boolean,
    /** The HTTP status, when there was an answer. */
    readonly status: number | null,
    /** What went wrong: an answer, no answer in time, or no request at all. */
    readonly kind: 'status' | 'timeout' | 'error',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface WebhookRequest {
  readonly url: string;
  /** The exact bytes sent and signed. */
  readonly body: string;
  readonly eventId: string;
  readonly eventType: string;
  /** Signs the request when set. */
  readonly secret: string | undefined;
  readonly timeoutMs: number;
  /** Aborts the request (the service is stopping). */
  readonly signal: AbortSignal;
  /** Epoch ms. */
  readonly now: number;
}

const retriableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500;

/**
 * POSTs one webhook request with Node's fetch: JSON body, the Kanary headers (timestamp, event
 * id and type, and the HMAC signature when there is a secret), a deadline, no redirects (a
 * signed request is not forwarded elsewhere). Resolves with the status of a 2xx answer; throws
 * a {@link WebhookRequestError} otherwise. The answer's body is never read.
 */
export async function postWebhook(request: WebhookRequest): Promise<number> {
  const timestamp = Math.floor(request.now / 1_000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'kanary-decision',
    [WebhookHeader.timestamp]: String(timestamp),
    [WebhookHeader.eventId]: request.eventId,
    [WebhookHeader.eventType]: request.eventType,
  };
  if (request.secret !== undefined) {
    headers[WebhookHeader.signature] = signWebhook(request.secret, timestamp, request.body);
  }
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(request.timeoutMs), request.signal]),
    });
  } catch (cause) {
    const timedOut = (cause as Error).name === 'TimeoutError';
    const message = timedOut
      ? `no answer within ${request.timeoutMs} ms`
      : `request failed: ${(cause as Error).cause instanceof Error ? ((cause as Error).cause as Error).message : (cause as Error).message}`;
    throw new WebhookRequestError(
      message,
      !request.signal.aborted,
      null,
      timedOut ? 'timeout' : 'error',
      {
        cause,
      },
    );
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return response.status;
  throw new WebhookRequestError(
    `answered HTTP ${response.status}`,
    retriableStatus(response.status),
    response.status,
    'status',
  );
}

/** A URL as logs and dead letters show it: scheme, host and port only (paths may hold tokens). */
export const redactUrl = (url: string): string => new URL(url).origin;
