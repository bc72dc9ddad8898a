/**
 * Evaluator process: `node --conditions=source --import tsx services/evaluator/src/main.ts` with
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL set (see config.ts for the EVALUATOR_* variables).
 */
import { ConfigError } from '@kanary/contracts';
import { onShutdownSignal } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { loadConfig, SERVICE, type EvaluatorConfig } from './config.js';
import { startEvaluator } from './shell/start-evaluator.js';
import { TopicLayoutError } from './shell/topic-layout.js';

let config: EvaluatorConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${SERVICE}: ${e.message}\n`);
  process.exit(2);
}
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const evaluator = await startEvaluator(config, {
  logger,
  // A consumer that stopped for good: exit, so the supervisor restarts a working process.
  onFatal: () => {
    void evaluator.stop().finally(() => process.exit(1));
  },
});
onShutdownSignal(() => evaluator.stop(), logger);
try {
  await evaluator.ready;
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`${SERVICE}: cannot start: ${message}\n`);
  await evaluator.stop().catch(() => undefined);
  process.exit(e instanceof TopicLayoutError ? 2 : 1);
}
