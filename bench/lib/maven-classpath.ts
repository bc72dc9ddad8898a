import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveInfraConfig } from '@kanary/infra';

const execFileAsync = promisify(execFile);

/** A Java program's launcher and class path, ready for `java -cp`. */
export interface JavaClasspath {
  readonly java: string;
  readonly classpath: string;
}

/** A project's pom and sources (sorted paths), for the hash that names its cache. */
async function projectFiles(dir: string): Promise<string[]> {
  const sources = existsSync(join(dir, 'src'))
    ? await readdir(join(dir, 'src'), { recursive: true, withFileTypes: true })
    : [];
  const files = sources.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return [join(dir, 'pom.xml'), ...files.sort()];
}

/**
 * A Maven project of bench/ (`kafka-tools`, `kafka-streams-anchor`) built once, for Kafka
 * `kafkaVersion`, into `<infra cache>/<name>-<version>-<hash of the project's files>/`: its
 * sources compiled (`build/classes`; a project of packaging `pom` has none) and its runtime
 * dependencies copied (`libs/`). Later calls find the `.complete` marker and only return the
 * class path; editing the pom or a source file changes the hash, so the project is built again.
 * Set `KANARY_MVN` for another Maven launcher.
 */
export async function resolveMavenClasspath(
  project: string,
  kafkaVersion: string,
  log: (line: string) => void,
): Promise<JavaClasspath> {
  const infra = resolveInfraConfig();
  const dir = fileURLToPath(new URL(`../${project}/`, import.meta.url));
  const hash = createHash('sha256');
  for (const file of await projectFiles(dir))
    hash.update(file.slice(dir.length)).update(await readFile(file));
  const home = join(infra.cacheDir, `${project}-${kafkaVersion}-${hash.digest('hex').slice(0, 8)}`);
  const classes = join(home, 'build', 'classes');
  const libs = join(home, 'libs');
  if (!existsSync(join(home, '.complete'))) {
    log(
      `building bench/${project} for Kafka ${kafkaVersion} with Maven into ${home} (first run only)`,
    );
    await rm(home, { recursive: true, force: true });
    await mkdir(home, { recursive: true });
    await execFileAsync(
      process.env.KANARY_MVN ?? 'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(dir, 'pom.xml'),
        `-Dkafka.version=${kafkaVersion}`,
        `-Dkanary.maven.repo=${infra.mavenRepositoryUrl}`,
        `-Dkanary.build.dir=${join(home, 'build')}`,
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libs}`,
        'compile',
        'dependency:copy-dependencies',
      ],
      { timeout: infra.downloadTimeoutMs, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(join(home, '.complete'), '');
  }
  return { java: infra.java, classpath: [classes, join(libs, '*')].join(delimiter) };
}
