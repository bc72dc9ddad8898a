import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ComponentOutcome,
  type ComponentSpec,
  ensureComponent,
  markerArg,
  stopComponent,
} from './component-lifecycle.js';
import type { InfraConfig } from './infra-config.js';
import { requireJava } from './java-runtime.js';
import { ensureRegistryDist } from './registry-dist.js';
import { probeRegistry, waitForRegistryReady } from './registry-readiness.js';

/** Apicurio Registry 3.0.x targets Java 17; 3.1 and later are compiled for Java 21. */
export function registryMinJava(version: string): number {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 1) ? 21 : 17;
}

const paths = (config: InfraConfig) => ({
  pidFile: join(config.registryDir, 'registry.pid'),
  log: join(config.logDir, 'registry.log'),
});

/**
 * Registry settings beyond the defaults, shared by the local launcher (as `-D` properties), the
 * testcontainers fallback and docker-compose.yml (as environment variables). In-memory H2 storage
 * is the 3.x default and needs nothing. Deletion is off by default and tests delete subjects.
 * Confluent's default compatibility level is BACKWARD while Apicurio's is none; our contracts
 * promise BACKWARD evolution, so the registry enforces it as a Confluent registry would.
 */
export const REGISTRY_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  'quarkus.http.access-log.enabled': 'false',
  'apicurio.rest.deletion.group.enabled': 'true',
  'apicurio.rest.deletion.artifact.enabled': 'true',
  'apicurio.rest.deletion.artifact-version.enabled': 'true',
  'apicurio.rules.global.compatibility': 'BACKWARD',
  // Limits only the length of GET /subjects; test runs create many unique subjects.
  'apicurio.ccompat.max-subjects': '100000',
});

/** Environment variable Quarkus reads for a property: upper case, other characters → `_`. */
export const quarkusEnvName = (property: string): string =>
  property.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** `REGISTRY_SETTINGS` as environment variables, for container images. */
export const registryImageEnvironment = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(REGISTRY_SETTINGS).map(([key, value]) => [quarkusEnvName(key), value]),
  );

function registrySystemProperties(config: InfraConfig): string[] {
  const properties: Record<string, string | number> = {
    ...REGISTRY_SETTINGS,
    'quarkus.http.host': config.host,
    'quarkus.http.port': config.registryPort,
  };
  // 3.1+ also opens a management interface, on port 9000 unless told otherwise.
  if (registryMinJava(config.registryVersion) > 17)
    properties['quarkus.management.port'] = config.registryPort + 1;
  return Object.entries(properties).map(([key, value]) => `-D${key}=${String(value)}`);
}

function registrySpec(config: InfraConfig): ComponentSpec {
  const p = paths(config);
  const title = `Apicurio Registry ${config.registryVersion}`;
  const managementPort =
    registryMinJava(config.registryVersion) > 17
      ? [['KANARY_REGISTRY_PORT + 1', config.registryPort + 1] as const]
      : [];
  return {
    title,
    component: 'registry',
    version: config.registryVersion,
    dir: config.registryDir,
    pidFile: p.pidFile,
    stdoutFile: p.log,
    logFiles: [p.log],
    port: ['KANARY_REGISTRY_PORT', config.registryPort],
    otherPorts: managementPort,
    expected: 'a Confluent-compatible schema registry',
    probe: (timeoutMs) => probeRegistry(config.registryUrl, timeoutMs),
    waitReady: (options) => waitForRegistryReady(config.registryUrl, options),
    prepare: async () => {
      const java = await requireJava(
        config.registryJava,
        registryMinJava(config.registryVersion),
        title,
        'KANARY_REGISTRY_JAVA',
      );
      const jar = await ensureRegistryDist(config);
      await mkdir(config.registryDir, { recursive: true });
      await mkdir(config.logDir, { recursive: true });
      return {
        command: java.bin,
        appendLog: false,
        args: [
          markerArg(config.registryDir),
          '-Xms64m',
          `-Xmx${config.registryHeap}`,
          // The registry serves a handful of schema lookups per test run: the C1 compiler alone and
          // the serial collector roughly halve its start-up CPU, which matters on small CI machines.
          '-XX:TieredStopAtLevel=1',
          '-XX:+UseSerialGC',
          '-Djava.awt.headless=true',
          ...registrySystemProperties(config),
          '-jar',
          jar,
        ],
      };
    },
  };
}

export const ensureRegistryNode = (config: InfraConfig): Promise<ComponentOutcome> =>
  ensureComponent(registrySpec(config), config);

export const stopRegistryNode = (
  config: InfraConfig,
  options: { timeoutMs?: number } = {},
): Promise<boolean> => stopComponent(paths(config).pidFile, options);

export const registryPaths = paths;
