import { eventSchemaText, valueSubject, type RoutedRequest } from '@kanary/contracts';
import { createLogger } from '@kanary/observability';
import { connectedProducer, disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, startModelWorker } from '../src/index.js';
import {
  countByRequestAndVariant,
  produceRouted,
  readAllPredictions,
  routed,
  workerFixture,
  type WorkerFixture,
} from './support.js';

afterAll(() => disconnectTestClients());

const logger = createLogger({ service: 'model-worker-test', level: 'silent', pretty: false });

type RegistrySchema = Parameters<WorkerFixture['codec']['registry']['register']>[0];

/** RoutedRequest as written before it said who answers (no `dispatch` field). */
function schemaBeforeDispatch(): RegistrySchema {
  const schema = JSON.parse(eventSchemaText.RoutedRequest) as { fields: Array<{ name: string }> };
  return {
    ...schema,
    fields: schema.fields.filter((f) => f.name !== 'dispatch'),
  } as RegistrySchema;
}

/**
 * Produces routed requests as a producer of the schema before `dispatch` did: that schema is the
 * subject's first version, so the current one (registered later) is checked BACKWARD against it.
 */
async function produceWithoutDispatch(
  f: WorkerFixture,
  requests: readonly RoutedRequest[],
): Promise<void> {
  const { registry } = f.codec;
  const { id } = await registry.register(schemaBeforeDispatch(), {
    subject: valueSubject(f.catalog.routed),
  });
  const messages = await Promise.all(
    requests.map(async ({ dispatch: _, ...old }) => ({
      key: old.requestId,
      value: await registry.encode(id, old),
    })),
  );
  const producer = await connectedProducer({ idempotent: true });
  try {
    await producer.send({ topic: f.catalog.routed.name, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

describe('model worker: who answers a routed request', () => {
  it('answers WORKER records and records written before dispatch existed, and leaves CALLER records to their caller, counted and not dead-lettered', async () => {
    const f = await workerFixture();
    const old = Array.from({ length: 6 }, (_, i) => routed(1_000 + i, 'sim-a'));
    await produceWithoutDispatch(f, old);
    const current = Array.from({ length: 30 }, (_, i) => ({
      ...routed(i, i % 5 === 0 ? 'sim-b' : 'sim-a'),
      dispatch: i % 3 === 0 ? ('CALLER' as const) : ('WORKER' as const),
    }));
    await produceRouted(f, current);
    const worker = await startModelWorker(
      loadConfig({
        ...f.env,
        WORKER_VARIANTS: JSON.stringify({ 'sim-a': { kind: 'sim', classes: ['a', 'b'] } }),
        WORKER_SIMULATE_LATENCY: 'false',
      }),
      logger,
    );
    let metrics: string;
    try {
      await worker.runner.catchUp(60_000);
      metrics = await worker.registry.metrics();
      expect(worker.runner.stats.deadLettered).toBe(0);
      expect(worker.runner.stats.processed).toBe(old.length + current.length);
    } finally {
      await worker.stop();
    }

    const answered = [
      ...old,
      ...current.filter((r) => r.dispatch === 'WORKER' && r.variant === 'sim-a'),
    ];
    const counts = countByRequestAndVariant(await readAllPredictions(f));
    expect([...counts.entries()].sort()).toEqual(
      answered.map((r) => [`${r.requestId}|${r.variant}`, 1] as const).sort(),
    );
    const callerBy = (variant: string) =>
      current.filter((r) => r.dispatch === 'CALLER' && r.variant === variant).length;
    expect(callerBy('sim-a')).toBeGreaterThan(0);
    expect(callerBy('sim-b')).toBeGreaterThan(0);
    expect(metrics).toContain(
      `kanary_worker_caller_dispatched_total{variant="sim-a",service="model-worker"} ${callerBy('sim-a')}`,
    );
    expect(metrics).toContain(
      `kanary_worker_caller_dispatched_total{variant="sim-b",service="model-worker"} ${callerBy('sim-b')}`,
    );
  });
});
