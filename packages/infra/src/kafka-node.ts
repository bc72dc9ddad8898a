import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type ComponentOutcome,
  type ComponentSpec,
  ensureComponent,
  markerArg,
  stopComponent,
} from './component-lifecycle.js';
import { type InfraConfig, type InfraOptions, resolveInfraConfig } from './infra-config.js';
import { InfraError, InfraErrorCode } from './infra-error.js';
import { requireJava } from './java-runtime.js';
import { KAFKA_LOG4J2_PROPERTIES } from './kafka-log-config.js';
import { ensureKafkaLibs } from './kafka-libs.js';
import { probeKafka, waitForKafkaReady } from './kafka-readiness.js';
import { renderServerProperties } from './server-properties.js';

const execFileAsync = promisify(execFile);
/** Kafka 4.x brokers require Java 17. */
const KAFKA_MIN_JAVA = 17;

const paths = (config: InfraConfig) => ({
  pidFile: join(config.kafkaDir, 'kafka.pid'),
  dataDir: join(config.kafkaDir, 'data'),
  serverProperties: join(config.kafkaDir, 'server.properties'),
  log4j: join(config.kafkaDir, 'log4j2.properties'),
  log: join(config.logDir, 'kafka.log'),
  stdout: join(config.logDir, 'kafka.out'),
});

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as `kafka-storage random-uuid` makes. */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka avoids ids that look like a command-line flag
  }
}

async function formatStorage(config: InfraConfig, java: string, classpath: string): Promise<void> {
  const p = paths(config);
  const scram = config.scramCredentials.flatMap((c) => [
    '--add-scram',
    `${c.mechanism}=[name=${c.username},password=${c.password}]`,
  ]);
  try {
    await execFileAsync(
      java,
      [
        `-Dlog4j2.configurationFile=${p.log4j}`,
        `-Dkanary.log.file=${join(config.logDir, 'kafka-storage.log')}`,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '--standalone',
        '--cluster-id',
        randomClusterId(),
        '--config',
        p.serverProperties,
        ...scram,
      ],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new InfraError(
      InfraErrorCode.StartFailed,
      `Formatting Kafka storage in ${p.dataDir} failed:\n${`${stdout}${stderr}`.trim().split('\n').slice(-20).join('\n')}`,
      { cause: error },
    );
  }
}

/**
 * Formatting starts a JVM (seconds on a small machine) and its result depends only on the
 * configuration, so the first result is kept per configuration and copied on later fresh starts.
 * The copy carries the same cluster id, which is harmless for a throw-away local broker.
 */
async function formatFromTemplate(
  config: InfraConfig,
  properties: string,
  format: () => Promise<void>,
): Promise<void> {
  const { dataDir } = paths(config);
  const key = createHash('sha256')
    .update(config.kafkaVersion)
    .update(properties)
    .update(JSON.stringify(config.scramCredentials))
    .digest('hex')
    .slice(0, 16);
  const template = join(config.kafkaDir, `format-template-${key}`);
  if (existsSync(join(template, 'meta.properties'))) {
    await cp(template, dataDir, { recursive: true });
    return;
  }
  await format();
  const stale = (await readdir(config.kafkaDir)).filter((name) =>
    name.startsWith('format-template-'),
  );
  await Promise.all(
    stale.map((name) => rm(join(config.kafkaDir, name), { recursive: true, force: true })),
  );
  await cp(dataDir, template, { recursive: true });
}

function kafkaSpec(config: InfraConfig, freshData: boolean): ComponentSpec {
  const p = paths(config);
  const title = `Kafka ${config.kafkaVersion}`;
  return {
    title,
    component: 'kafka',
    version: config.kafkaVersion,
    dir: config.kafkaDir,
    pidFile: p.pidFile,
    stdoutFile: p.stdout,
    logFiles: [p.log, p.stdout],
    port: ['KANARY_KAFKA_PORT', config.kafkaPort],
    otherPorts: [
      ['KANARY_KAFKA_CONTROLLER_PORT', config.controllerPort],
      ...config.extraListeners.map((l) => [`extra listener ${l.name}`, l.port] as const),
    ],
    expected: 'a Kafka broker',
    probe: (timeoutMs) => probeKafka(config.brokers, timeoutMs),
    waitReady: (options) => waitForKafkaReady(config.brokers, options),
    prepare: async () => {
      const java = await requireJava(config.java, KAFKA_MIN_JAVA, title, 'KANARY_JAVA');
      const classpath = join(await ensureKafkaLibs(config), '*');
      if (freshData) await rm(p.dataDir, { recursive: true, force: true });
      await mkdir(p.dataDir, { recursive: true });
      await mkdir(config.logDir, { recursive: true });
      await writeFile(p.log4j, KAFKA_LOG4J2_PROPERTIES);
      const properties = renderServerProperties({
        host: config.host,
        kafkaPort: config.kafkaPort,
        controllerPort: config.controllerPort,
        dataDir: p.dataDir,
        extraListeners: config.extraListeners,
        overrides: config.kafkaConfig,
      });
      await writeFile(p.serverProperties, properties);
      const formatted = existsSync(join(p.dataDir, 'meta.properties'));
      if (!formatted)
        await formatFromTemplate(config, properties, () =>
          formatStorage(config, java.bin, classpath),
        );
      return {
        command: java.bin,
        appendLog: formatted,
        args: [
          markerArg(config.kafkaDir),
          '-Xms256m',
          `-Xmx${config.kafkaHeap}`,
          // GC settings of Kafka's own start script (kafka-run-class.sh).
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:InitiatingHeapOccupancyPercent=35',
          '-XX:+ExplicitGCInvokesConcurrent',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${p.log4j}`,
          `-Dkanary.log.file=${p.log}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          p.serverProperties,
        ],
      };
    },
  };
}

/** Internal: ensures the broker; `freshData` wipes the data dir if (and only if) it must be started. */
export const ensureKafkaNode = (
  config: InfraConfig,
  freshData: boolean,
): Promise<ComponentOutcome> => ensureComponent(kafkaSpec(config, freshData), config);

export const stopKafkaNode = (
  config: InfraConfig,
  options: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<boolean> => stopComponent(paths(config).pidFile, options);

/** Where the broker's files live, for status output and diagnostics. */
export const kafkaPaths = paths;

/**
 * Starts the broker on its existing data (topics, committed offsets and transactions survive),
 * or reuses it if it already runs. For chaos tests that restart the broker mid-run.
 */
export async function startKafka(options: InfraOptions = {}): Promise<ComponentOutcome> {
  return ensureKafkaNode(resolveInfraConfig(options), false);
}

/**
 * Stops the broker this launcher started (SIGTERM, then SIGKILL after `timeoutMs`; pass
 * `signal: 'SIGKILL'` to simulate a crash). Keeps its data for `startKafka`. True if one was running.
 */
export async function stopKafka(
  options: InfraOptions & { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<boolean> {
  const { signal, timeoutMs, ...rest } = options;
  return stopKafkaNode(resolveInfraConfig(rest), { signal, timeoutMs });
}
