import {
  BackendKind,
  createSimBackend,
  okResult,
  type ModelBackend,
  type PredictRequest,
} from '@kanary/models';
import { describe, expect, it } from 'vitest';
import { callBackend } from './call-backend.js';

const request: PredictRequest = {
  requestId: 'r-1',
  model: 'm',
  variant: 'v',
  features: { trueLabel: 'a' },
};
const backend = (predict: ModelBackend['predict']): ModelBackend => ({
  kind: BackendKind.SIM,
  predict,
});

describe('callBackend', () => {
  it('turns a thrown error into an ERROR outcome with its text', async () => {
    const outcome = await callBackend(
      backend(() => Promise.reject(new Error('model server exploded'))),
      request,
      { timeoutMs: 1_000, simulateLatency: true },
    );
    expect(outcome).toMatchObject({ status: 'ERROR', error: 'model server exploded' });
  });

  it('gives up on a backend that ignores its deadline', async () => {
    const outcome = await callBackend(
      backend(() => new Promise(() => undefined)),
      request,
      { timeoutMs: 50, simulateLatency: true },
    );
    expect(outcome.status).toBe('TIMEOUT');
    expect(outcome.error).toContain('50 ms');
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(45);
  });

  it('passes an abort signal that fires as a timeout', async () => {
    let seen: AbortSignal | undefined;
    const outcome = await callBackend(
      backend(
        (_request, signal) =>
          new Promise((resolve) => {
            seen = signal;
            signal?.addEventListener('abort', () =>
              resolve({ status: 'TIMEOUT', error: 'aborted by deadline', simulatedLatencyMs: 0 }),
            );
          }),
      ),
      request,
      { timeoutMs: 30, simulateLatency: false },
    );
    expect(seen?.aborted).toBe(true);
    expect(outcome).toMatchObject({ status: 'TIMEOUT', error: 'aborted by deadline' });
  });

  it('reports the simulated latency whether or not it waits', async () => {
    for (const simulateLatency of [false, true]) {
      const outcome = await callBackend(
        backend(() => Promise.resolve(okResult('a', null, 40))),
        request,
        { timeoutMs: 1_000, simulateLatency },
      );
      expect(outcome.status).toBe('OK');
      expect(outcome.latencyMs).toBeGreaterThanOrEqual(40);
    }
  });

  it('answers like the sim backend it calls', async () => {
    const sim = createSimBackend({ kind: 'sim', accuracy: 1, classes: ['a', 'b'] });
    const outcome = await callBackend(sim, request, { timeoutMs: 1_000, simulateLatency: true });
    expect(outcome).toMatchObject({ status: 'OK', output: 'a' });
  });
});
