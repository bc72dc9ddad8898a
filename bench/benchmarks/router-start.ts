import { loadRouterConfig, startRouter, type Router } from '@kanary/router';
import { MODEL, STABLE_VARIANT } from '../lib/records.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';

function routerConfig(topics: BenchTopics, run: string) {
  return loadRouterConfig({
    ...topics.env,
    KANARY_INSTANCE_ID: run,
    ROUTER_GROUP_ID: `${topics.prefix}.router.${run}`,
    ROUTER_HTTP_PORT: '0',
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_DEFAULT_VARIANTS: `${MODEL}=${STABLE_VARIANT}`,
  });
}

/** A router on the run's topics in groups of its own (named by `run`), once it is ready. */
export async function startReadyRouter(
  stack: BenchStack,
  topics: BenchTopics,
  run: string,
): Promise<Router> {
  const router = await startRouter(routerConfig(topics, run), { logger: stack.logger });
  await router.ready;
  return router;
}
