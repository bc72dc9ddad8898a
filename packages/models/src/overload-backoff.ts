export interface OverloadBackoffOptions {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/**
 * How long to hold off the next call to an endpoint that answered "overloaded" (HTTP 429 or
 * 503). The n-th overload in a row waits min(maxDelayMs, max(Retry-After, minDelayMs ·
 * factor^(n−1))): exponential, capped, and never shorter than what the server asked for unless
 * that passes the cap. A successful call resets n.
 *
 * Calls already in flight when the first overload answer arrives were sent before the back-off
 * began; their overload answers belong to the same episode and do not raise n again, otherwise
 * a burst of concurrent calls would jump straight to the cap. Pure: the caller passes the clock.
 */
export class OverloadBackoff {
  private consecutive = 0;
  /** When the current back-off began; calls sent before it are of the same episode. */
  private since = Number.NEGATIVE_INFINITY;
  private until = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: OverloadBackoffOptions) {}

  /** Milliseconds the next call, made at `now`, should wait; 0 when none. */
  delayMs(now: number): number {
    return Math.max(0, this.until - now);
  }

  /**
   * The call sent at `sentAt` was answered "overloaded" at `now`, with a Retry-After of
   * `retryAfterMs` if the server gave one. Returns how long the endpoint now backs off.
   */
  overloaded(now: number, sentAt: number, retryAfterMs?: number): number {
    if (sentAt >= this.since || this.consecutive === 0) {
      this.consecutive += 1;
      this.since = now;
    }
    const { minDelayMs, maxDelayMs, factor } = this.options;
    const exponential = minDelayMs * factor ** (this.consecutive - 1);
    const delay = Math.min(maxDelayMs, Math.max(exponential, retryAfterMs ?? 0));
    this.until = Math.max(this.until, now + delay);
    return this.delayMs(now);
  }

  /** A call was answered: the next overload starts again at `minDelayMs`. */
  succeeded(): void {
    this.consecutive = 0;
  }
}

/**
 * Milliseconds a Retry-After header asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP date),
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date starts with the day's name; Date.parse alone would also read '-1' as a year.
  const at = /^[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
