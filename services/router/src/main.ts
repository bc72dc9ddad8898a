/**
 * The router process: configuration from the environment, then {@link startRouter}; SIGTERM or
 * SIGINT stops it gracefully. Run with `node --conditions=source --import tsx
 * services/router/src/main.ts`.
 */
import { isKanaryError } from '@kanary/contracts';
import { onShutdownSignal } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { SERVICE, loadRouterConfig, type RouterConfig } from './config.js';
import { startRouter } from './shell/start-router.js';

let config: RouterConfig;
try {
  config = loadRouterConfig(process.env);
} catch (e) {
  process.stderr.write(`${SERVICE}: ${isKanaryError(e) ? e.message : String(e)}\n`);
  process.exit(2);
}
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const router = await startRouter(config, {
  logger,
  // A consumer that stopped for good: exit, so the supervisor restarts a working process.
  onFatal: () => {
    void router.stop().finally(() => process.exit(1));
  },
});
onShutdownSignal(() => router.stop(), logger);
try {
  await router.ready;
} catch {
  // startRouter logged the cause.
  await router.stop().catch(() => undefined);
  process.exit(1);
}
