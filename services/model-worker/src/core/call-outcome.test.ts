import { errorResult, okResult, timeoutResult, type BackendResult } from '@kanary/models';
import { describe, expect, it } from 'vitest';
import { callOutcome, type CallOutcome } from './call-outcome.js';

describe('callOutcome', () => {
  it.each<[string, BackendResult, number, number, Partial<CallOutcome>]>([
    [
      'OK adds simulated and real latency',
      okResult('rain', 0.8, 20),
      1.5,
      1_000,
      { status: 'OK', output: 'rain', score: 0.8, error: null, latencyMs: 21.5 },
    ],
    [
      'OK with no simulated latency reports the real time',
      okResult('sun', null),
      3,
      1_000,
      { status: 'OK', output: 'sun', score: null, latencyMs: 3 },
    ],
    [
      'a non-finite score is dropped',
      okResult('sun', Number.NaN),
      0,
      1_000,
      { status: 'OK', score: null },
    ],
    [
      'OK keeps the class probabilities',
      okResult('rain', 0.7, 0, { rain: 0.7, sun: 0.3 }),
      0,
      1_000,
      { status: 'OK', output: 'rain', score: 0.7, scores: { rain: 0.7, sun: 0.3 } },
    ],
    [
      'class probabilities that are not probabilities are dropped, the answer kept',
      okResult('rain', 0.7, 0, { rain: 0.7, sun: 0.7 }),
      0,
      1_000,
      { status: 'OK', output: 'rain', score: 0.7, scores: null },
    ],
    [
      'no classes are no probabilities',
      okResult('rain', null, 0, {}),
      0,
      1_000,
      { status: 'OK', scores: null },
    ],
    [
      'a failed call has no probabilities',
      { ...errorResult('boom'), scores: { rain: 1 } } as BackendResult,
      0,
      1_000,
      { status: 'ERROR', scores: null },
    ],
    [
      'OK without output is an ERROR',
      okResult(null, 1),
      0,
      1_000,
      { status: 'ERROR', output: null, error: 'the backend answered without an output' },
    ],
    [
      'ERROR keeps its text and latency',
      errorResult('sim: simulated error', 7),
      1,
      1_000,
      { status: 'ERROR', output: null, score: null, error: 'sim: simulated error', latencyMs: 8 },
    ],
    [
      'a simulated latency at the deadline is a TIMEOUT at the deadline',
      okResult('rain', null, 1_000),
      0.5,
      1_000,
      { status: 'TIMEOUT', output: null, latencyMs: 1_000 },
    ],
    [
      'a slow simulated ERROR is a TIMEOUT too',
      errorResult('boom', 2_000),
      0.5,
      1_000,
      { status: 'TIMEOUT', latencyMs: 1_000 },
    ],
    [
      "a backend TIMEOUT shorter than the worker's deadline keeps its own latency",
      timeoutResult('sim: simulated timeout', 300),
      1,
      1_000,
      { status: 'TIMEOUT', error: 'sim: simulated timeout', latencyMs: 301 },
    ],
    [
      "a backend TIMEOUT longer than the worker's deadline is cut at the deadline",
      timeoutResult('sim: simulated timeout', 5_000),
      1,
      1_000,
      { status: 'TIMEOUT', latencyMs: 1_000 },
    ],
  ])('%s', (_name, result, realMs, timeoutMs, expected) => {
    expect(callOutcome(result, realMs, timeoutMs)).toMatchObject(expected);
  });

  it('decides TIMEOUT on the simulated latency alone, so a re-run agrees', () => {
    const result = okResult('rain', null, 999.9);
    expect(callOutcome(result, 0.05, 1_000).status).toBe('OK');
    expect(callOutcome(result, 50, 1_000).status).toBe('OK');
  });
});
