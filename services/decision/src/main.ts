/**
 * The decision service process: configuration from the environment, then
 * {@link startDecisionService}; SIGTERM or SIGINT stops it gracefully. Run with
 * `node --conditions=source --import tsx services/decision/src/main.ts`.
 */
import { isKanaryError } from '@kanary/contracts';
import { onShutdownSignal } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { SERVICE, loadDecisionConfig, type DecisionConfig } from './config.js';
import { startDecisionService } from './shell/start-decision-service.js';

let config: DecisionConfig;
try {
  config = loadDecisionConfig(process.env);
} catch (e) {
  process.stderr.write(`${SERVICE}: ${isKanaryError(e) ? e.message : String(e)}\n`);
  process.exit(2);
}
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const service = await startDecisionService(config, {
  logger,
  // A consumer that stopped for good: exit, so the supervisor restarts a working process.
  onFatal: () => {
    void service.stop().finally(() => process.exit(1));
  },
});
onShutdownSignal(() => service.stop(), logger);
try {
  await service.ready;
} catch {
  // startDecisionService logged the cause.
  await service.stop().catch(() => undefined);
  process.exit(1);
}
