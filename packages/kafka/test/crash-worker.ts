/**
 * Child process for the crash test: copies InferenceRequests to an output topic with the
 * exactly-once runner and kills itself with SIGKILL inside the first transaction, after the
 * outputs were sent and before the commit, when CRASH_BEFORE_COMMIT=1.
 */
import { EventCodec, topicCatalog } from '@kanary/contracts';
import { createLogger } from '@kanary/observability';
import {
  createKafka,
  kafkaEnvSchema,
  loadEnvConfig,
  ProcessorRunner,
  toKafkaConnection,
} from '@kanary/kafka';

const connection = toKafkaConnection(loadEnvConfig(kafkaEnvSchema, process.env), 'crash-test');
const logger = createLogger({ service: 'crash-test', level: 'warn', pretty: false });
const catalog = topicCatalog({ prefix: connection.topicPrefix });
const crash = process.env.CRASH_BEFORE_COMMIT === '1';
const runner = new ProcessorRunner<'InferenceRequest'>({
  kafka: createKafka(connection, logger),
  codec: new EventCodec(connection.registry),
  logger,
  service: 'crash-test',
  groupId: `${connection.topicPrefix}.crash-test`,
  inputs: [catalog.requests],
  dlq: catalog.dlq,
  mode: 'exactly-once',
  transactionalId: `${connection.topicPrefix}.crash-test.${connection.instanceId}`,
  consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
  process: (records) =>
    Promise.resolve(
      records.map((r) => ({
        topic: catalog.labels,
        key: r.key,
        value: {
          requestId: r.value.requestId,
          model: r.value.model,
          label: 'copied',
          timestamp: r.value.timestamp,
        },
      })),
    ),
  beforeCommit: crash
    ? () => {
        process.stdout.write('CRASHING\n');
        process.kill(process.pid, 'SIGKILL');
      }
    : undefined,
});
await runner.start();
process.stdout.write('STARTED\n');
process.on('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});
