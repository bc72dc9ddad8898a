/**
 * Child process for the crash test: copies InferenceRequests to an output topic with the
 * exactly-once runner and kills itself with SIGKILL inside the first transaction, after the
 * outputs were sent and before the commit, when CRASH_BEFORE_COMMIT=1.
 */
import { EventCodec, topicCatalog } from '@kanary/contracts';
import { createLogger } from '@kanary/observability';
import { createKafka, kafkaEnvSchema, loadEnvConfig, toKafkaConnection } from '@kanary/kafka';
import { copyRunner } from './support.js';

const connection = toKafkaConnection(loadEnvConfig(kafkaEnvSchema, process.env), 'crash-test');
const logger = createLogger({ service: 'crash-test', level: 'warn', pretty: false });
const catalog = topicCatalog({ prefix: connection.topicPrefix });
const crash = process.env.CRASH_BEFORE_COMMIT === '1';
const runner = copyRunner(
  {
    kafka: createKafka(connection, logger),
    codec: new EventCodec(connection.registry),
    logger,
    catalog,
  },
  `${connection.topicPrefix}.crash-test`,
  {
    beforeCommit: crash
      ? () => {
          process.stdout.write('CRASHING\n');
          process.kill(process.pid, 'SIGKILL');
        }
      : undefined,
  },
);
await runner.start();
process.stdout.write('STARTED\n');
process.on('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});
