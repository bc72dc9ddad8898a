/**
 * The web console process: configuration from the environment, then {@link startConsole};
 * SIGTERM or SIGINT stops it gracefully. Run with
 * `node --conditions=source --import tsx services/console/src/main.ts`.
 */
import { isKanaryError } from '@kanary/contracts';
import { onShutdownSignal } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { SERVICE, loadConsoleConfig, type ConsoleConfig } from './config.js';
import { startConsole } from './shell/start-console.js';

let config: ConsoleConfig;
try {
  config = loadConsoleConfig(process.env);
} catch (e) {
  process.stderr.write(`${SERVICE}: ${isKanaryError(e) ? e.message : String(e)}\n`);
  process.exit(2);
}
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const web = await startConsole(config, {
  logger,
  // A consumer that stopped for good: exit, so the supervisor restarts a working process.
  onFatal: () => {
    void web.stop().finally(() => process.exit(1));
  },
});
onShutdownSignal(() => web.stop(), logger);
try {
  await web.ready;
} catch {
  // startConsole logged the cause.
  await web.stop().catch(() => undefined);
  process.exit(1);
}
