import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import type { InfraConfig } from './infra-config.js';
import { InfraError, InfraErrorCode } from './infra-error.js';
import { publishStaged } from './publish-staged.js';

const execFileAsync = promisify(execFile);
const ATTEMPTS = 3;

const registryHome = (config: InfraConfig): string =>
  join(config.cacheDir, `apicurio-registry-${config.registryVersion}`);

export const registryDistCached = (config: InfraConfig): boolean =>
  existsSync(join(registryHome(config), '.complete'));

/** Maven Central URL of the runnable Quarkus distribution (classifier `all`). */
export const registryArchiveUrl = (config: InfraConfig): string => {
  const v = config.registryVersion;
  return `${config.mavenRepositoryUrl}/io/apicurio/apicurio-registry-app/${v}/apicurio-registry-app-${v}-all.tar.gz`;
};

/**
 * The jar that starts the registry: `quarkus-run.jar` (fast-jar layout, 3.1+) or
 * `*-runner.jar` (legacy-jar layout, 3.0.x), at the top of the archive or one folder down.
 */
async function findLauncherJar(dir: string): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  const direct = entries.find(
    (e) => e.isFile() && (e.name === 'quarkus-run.jar' || e.name.endsWith('-runner.jar')),
  );
  if (direct) return join(dir, direct.name);
  for (const sub of entries.filter((e) => e.isDirectory() && e.name !== 'lib')) {
    const nested = await findLauncherJar(join(dir, sub.name));
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Downloads and unpacks Apicurio Registry into the cache once per version, verifying the SHA-1
 * that Maven Central publishes beside the archive. Plain HTTP rather than `mvn dependency:copy`:
 * Maven would also resolve the artifact's parent POMs, which some Central mirrors lack.
 * Returns the launcher jar.
 */
export async function ensureRegistryDist(config: InfraConfig): Promise<string> {
  const home = registryHome(config);
  const app = join(home, 'app');
  if (!registryDistCached(config)) {
    const staging = join(
      config.cacheDir,
      `.staging-registry-${config.registryVersion}-${process.pid}-${Date.now()}`,
    );
    const url = registryArchiveUrl(config);
    config.log(
      `downloading Apicurio Registry ${config.registryVersion} from ${url} (first run only)`,
    );
    const started = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await downloadAndUnpack(url, staging, config);
        break;
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        if (attempt >= ATTEMPTS) {
          throw new InfraError(
            InfraErrorCode.DownloadFailed,
            `Downloading ${url} failed after ${ATTEMPTS} attempts: ${(error as Error).message}`,
            { cause: error },
          );
        }
        config.log(`download attempt ${attempt} failed (${(error as Error).message}); retrying`);
        await delay(2_000 * attempt);
      }
    }
    await publishStaged(join(staging, 'app'), home, 'app', () => registryDistCached(config));
    await rm(staging, { recursive: true, force: true });
    config.log(`Apicurio Registry downloaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const jar = await findLauncherJar(app);
  if (!jar) {
    throw new InfraError(
      InfraErrorCode.DownloadFailed,
      `No quarkus-run.jar or *-runner.jar in ${app}; delete ${home} and retry`,
    );
  }
  return jar;
}

async function downloadAndUnpack(url: string, staging: string, config: InfraConfig): Promise<void> {
  const signal = AbortSignal.timeout(config.downloadTimeoutMs);
  await mkdir(join(staging, 'app'), { recursive: true });
  const expectedSha1 = await fetchText(`${url}.sha1`, signal).then((t) =>
    t.trim().split(/\s+/)[0]?.toLowerCase(),
  );

  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} for ${url}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const hash = createHash('sha1');
  let received = 0;
  let reported = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      received += chunk.length;
      const quarter = total > 0 ? Math.floor((received / total) * 4) : 0;
      if (quarter > reported && quarter < 4) {
        reported = quarter;
        config.log(`  ${quarter * 25}% of ${(total / 1e6).toFixed(0)} MB`);
      }
      callback(null, chunk);
    },
  });
  const archive = join(staging, 'registry.tar.gz');
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    meter,
    createWriteStream(archive),
  );
  const actualSha1 = hash.digest('hex');
  if (expectedSha1 && actualSha1 !== expectedSha1) {
    throw new Error(`checksum mismatch: expected SHA-1 ${expectedSha1}, got ${actualSha1}`);
  }
  await execFileAsync('tar', ['-xzf', archive, '-C', join(staging, 'app')], {
    timeout: config.downloadTimeoutMs,
  });
  await rm(archive, { force: true });
}

async function fetchText(url: string, signal: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return response.text();
}
