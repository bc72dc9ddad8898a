import { describe, expect, it } from 'vitest';
import { OverloadBackoff, retryAfterMs } from './overload-backoff.js';

const options = { minDelayMs: 100, maxDelayMs: 1_000, factor: 2 };

describe('OverloadBackoff', () => {
  it('does not hold back an endpoint that was never overloaded', () => {
    expect(new OverloadBackoff(options).delayMs(0)).toBe(0);
  });

  it.each<[string, number[], number]>([
    ['the first overload waits minDelayMs', [1], 100],
    ['the second in a row doubles it', [1, 2], 200],
    ['the third doubles again', [1, 2, 3], 400],
    ['the delay is capped', [1, 2, 3, 4, 5, 6, 7], 1_000],
  ])('%s', (_name, overloads, expected) => {
    const backoff = new OverloadBackoff(options);
    let now = 0;
    let delay = 0;
    // Each call is sent once the previous back-off is over, and answered at once.
    for (const _ of overloads) {
      now += backoff.delayMs(now);
      delay = backoff.overloaded(now, now);
    }
    expect(delay).toBe(expected);
    expect(backoff.delayMs(now)).toBe(expected);
    expect(backoff.delayMs(now + expected)).toBe(0);
  });

  it('counts the overload answers of calls sent before the back-off began as one episode', () => {
    const backoff = new OverloadBackoff(options);
    // 16 calls sent at t=0, answered 503 one after another: each holds off 100 ms from its answer.
    for (let i = 0; i < 16; i += 1) backoff.overloaded(10 + i, 0);
    expect(backoff.delayMs(25)).toBe(100);
    // The next call, sent after the back-off, is overloaded again: the second in a row.
    expect(backoff.overloaded(126, 125)).toBe(200);
  });

  it('starts again at minDelayMs after a successful call', () => {
    const backoff = new OverloadBackoff(options);
    backoff.overloaded(0, 0);
    backoff.overloaded(100, 100);
    backoff.succeeded();
    expect(backoff.overloaded(1_000, 1_000)).toBe(100);
  });

  it.each<[string, number | undefined, number]>([
    ['honours a Retry-After longer than the exponential delay', 500, 500],
    ['keeps the exponential delay when Retry-After is shorter', 10, 100],
    ['caps a long Retry-After', 60_000, 1_000],
  ])('%s', (_name, retryAfter, expected) => {
    expect(new OverloadBackoff(options).overloaded(0, 0, retryAfter)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ['', undefined],
    ['2', 2_000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:03 GMT', 3_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('%j → %j', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});
