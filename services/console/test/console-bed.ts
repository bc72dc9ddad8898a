import { randomBytes } from 'node:crypto';
import type { EventName, EventTypes, RolloutCommand, TopicSpec } from '@kanary/contracts';
import { createLogger } from '@kanary/observability';
import type { Router } from '@kanary/router';
import { testInfra, waitFor } from '@kanary/testkit';
// The router's own test bed: fresh topics on the test broker, routers, a producer.
import { command, routerBed, type RouterBed } from '../../router/test/router-test-bed.js';
import { loadConsoleConfig, startConsole, type WebConsole } from '../src/index.js';

/** Evidence as an evaluator instance publishes it, for tests outside this package. */
export { EvidenceSource } from '../src/core/evidence.fixtures.js';

/** Made per run, like a real one: the console refuses fixed placeholder-like values. */
export const CONSOLE_TOKEN = randomBytes(16).toString('hex');

/** A router and a console on fresh topics of the test broker. */
export interface ConsoleBed {
  readonly catalog: RouterBed['catalog'];
  readonly router: Router;
  readonly console: WebConsole;
  /** Produces one event, encoded through the registry. */
  publish<E extends EventName>(
    topic: TopicSpec<E>,
    key: string,
    value: EventTypes[E],
  ): Promise<void>;
  /** Produces events in one batch, each under the key `keyOf` gives it. */
  publishAll<E extends EventName>(
    topic: TopicSpec<E>,
    values: readonly EventTypes[E][],
    keyOf: (value: EventTypes[E]) => string,
  ): Promise<void>;
  /**
   * Publishes an operator START and waits until the router applied it; `overrides` change the
   * command (an A/B/n rollout: `{ canary: null, candidates: [...] }`).
   */
  startRollout(
    model: string,
    stable: string,
    canary: string,
    rolloutId: string,
    overrides?: Partial<RolloutCommand>,
  ): Promise<RolloutCommand>;
  close(): Promise<void>;
}

export async function consoleBed(env: Record<string, string> = {}): Promise<ConsoleBed> {
  const bed = await routerBed();
  const router = await bed.start();
  const infra = testInfra();
  const web = await startConsole(
    loadConsoleConfig({
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      KANARY_TOPIC_PREFIX: bed.prefix,
      CONSOLE_HTTP_PORT: '0',
      CONSOLE_HTTP_HOST: '127.0.0.1',
      CONSOLE_OPERATOR_TOKEN: CONSOLE_TOKEN,
      CONSOLE_PUSH_INTERVAL_MS: '100',
      ...env,
    }),
    { logger: createLogger({ service: 'console', level: 'silent' }) },
  );
  await web.ready;
  return {
    catalog: bed.catalog,
    router,
    console: web,
    publish: (topic, key, value) => bed.produce(topic, [value], () => key),
    publishAll: (topic, values, keyOf) => bed.produce(topic, values, keyOf),
    async startRollout(model, stable, canary, rolloutId, overrides = {}) {
      const start = command({
        commandId: `start-${rolloutId}`,
        rolloutId,
        model,
        stable,
        canary,
        stepIndex: 0,
        basedOnSeq: router.rollout(model)?.seq ?? null,
        ...overrides,
      });
      await bed.command(start);
      await waitFor(() => router.rollout(model)?.rolloutId === rolloutId, {
        timeoutMs: 30_000,
        description: `the router to apply the START of ${rolloutId}`,
      });
      return start;
    },
    async close() {
      await web.stop();
      await bed.close();
    },
  };
}
