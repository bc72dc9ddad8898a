/**
 * Model worker process: `node --conditions=source --import tsx services/model-worker/src/main.ts`
 * with KAFKA_BROKERS, SCHEMA_REGISTRY_URL and WORKER_VARIANTS (or WORKER_VARIANTS_FILE) set.
 */
import { ConfigError } from '@kanary/contracts';
import { onShutdownSignal } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { loadConfig, SERVICE, type WorkerConfig } from './config.js';
import { startModelWorker } from './shell/model-worker.js';

let config: WorkerConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${SERVICE}: ${e.message}\n`);
  process.exit(2);
}
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const worker = await startModelWorker(config, logger);
onShutdownSignal(() => worker.stop(), logger);
