/**
 * Model worker process: `node --conditions=source --import tsx services/model-worker/src/main.ts`
 * with KAFKA_BROKERS, SCHEMA_REGISTRY_URL and WORKER_VARIANTS (or WORKER_VARIANTS_FILE) set.
 */
import { ConfigError } from '@kanary/contracts';
import { onShutdownSignal } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { loadConfig, SERVICE, type WorkerConfig } from './config.js';
import { startModelWorker, type RunningWorker } from './shell/model-worker.js';

let config: WorkerConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${SERVICE}: ${e.message}\n`);
  process.exit(2);
}
const logger = createLogger({ service: SERVICE, level: config.logLevel });
let worker: RunningWorker;
try {
  worker = await startModelWorker(config, logger, {
    // A consumer that stopped for good: exit, so the supervisor restarts a working process.
    onFatal: () => {
      void worker.stop().finally(() => process.exit(1));
    },
  });
} catch (e) {
  // E.g. Kafka unreachable or refusing the credentials: say so in one line, exit 1.
  logger.fatal({ event: 'worker.start_failed', err: e }, 'model worker failed to start');
  process.stderr.write(`${SERVICE}: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
onShutdownSignal(() => worker.stop(), logger);
