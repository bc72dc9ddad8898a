import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { InfraConfig } from './infra-config.js';
import { InfraError, InfraErrorCode } from './infra-error.js';
import { publishStaged } from './publish-staged.js';

const execFileAsync = promisify(execFile);
const ATTEMPTS = 3;

/** The Maven launcher: KANARY_MVN, else `mvn` on PATH. */
export const mavenCommand = (env: NodeJS.ProcessEnv = process.env): string =>
  env.KANARY_MVN ?? (process.platform === 'win32' ? 'mvn.cmd' : 'mvn');

export const kafkaLibsDir = (config: InfraConfig): string =>
  join(config.cacheDir, `kafka_2.13-${config.kafkaVersion}`, 'libs');

/** True when the broker's jars for the configured version are already in the cache. */
export const kafkaLibsCached = (config: InfraConfig): boolean =>
  existsSync(join(config.cacheDir, `kafka_2.13-${config.kafkaVersion}`, '.complete'));

/**
 * Resolves `kafka_2.13` and a log4j2 binding with `mvn dependency:copy-dependencies` from
 * deploy/local/pom.xml into the cache, once per version. Maven is used (rather than downloading the
 * distribution tarball) because it honours the user's settings.xml mirrors and proxies, shares
 * ~/.m2 with other builds, and resolves exactly the jars a broker needs.
 */
export async function ensureKafkaLibs(config: InfraConfig): Promise<string> {
  const home = join(config.cacheDir, `kafka_2.13-${config.kafkaVersion}`);
  const libs = join(home, 'libs');
  if (kafkaLibsCached(config)) return libs;

  const staging = join(
    config.cacheDir,
    `.staging-kafka-${config.kafkaVersion}-${process.pid}-${Date.now()}`,
  );
  const pom = join(config.repoRoot, 'deploy', 'local', 'pom.xml');
  const args = [
    '-B',
    '-q',
    '-f',
    pom,
    `-Dkafka.version=${config.kafkaVersion}`,
    `-Dkanary.maven.repo=${config.mavenRepositoryUrl}`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${staging}`,
    // Retries for flaky networks: Maven 3.8 (wagon) and 3.9+ (native resolver transport).
    '-Dmaven.wagon.http.retryHandler.count=3',
    '-Daether.connector.http.retryHandler.count=3',
    'dependency:copy-dependencies',
  ];
  config.log(
    `resolving Kafka ${config.kafkaVersion} jars with Maven into ${home} (first run only)`,
  );
  const started = Date.now();
  // Maven runs quietly; say now and then that it is still busy, so a slow CI download is not
  // mistaken for a hang.
  const heartbeat = setInterval(
    () => config.log(`still resolving (${Math.round((Date.now() - started) / 1000)} s)`),
    20_000,
  );
  try {
    await runMaven(config, args, staging);
  } finally {
    clearInterval(heartbeat);
  }
  await publishStaged(staging, home, 'libs', () => kafkaLibsCached(config));
  config.log(`Kafka jars resolved in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return libs;
}

async function runMaven(
  config: InfraConfig,
  args: readonly string[],
  staging: string,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await execFileAsync(mavenCommand(), [...args], {
        timeout: config.downloadTimeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      });
      return;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      const output = error as { stdout?: string; stderr?: string; code?: unknown };
      if (output.code === 'ENOENT') {
        throw new InfraError(
          InfraErrorCode.MavenFailed,
          `Maven ("${mavenCommand()}") is not installed; it is needed once to download Kafka ${config.kafkaVersion}. ` +
            'Install Maven 3.8+ or set KANARY_MVN.',
        );
      }
      if (attempt >= ATTEMPTS) {
        const tail = `${output.stdout ?? ''}${output.stderr ?? ''}`
          .trim()
          .split('\n')
          .slice(-30)
          .join('\n');
        throw new InfraError(
          InfraErrorCode.MavenFailed,
          `Resolving Kafka ${config.kafkaVersion} with Maven failed after ${ATTEMPTS} attempts:\n${tail}`,
          { cause: error },
        );
      }
      config.log(`Maven attempt ${attempt} failed; retrying`);
      await delay(2_000 * attempt);
    }
  }
}
