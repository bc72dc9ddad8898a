import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InfraError, InfraErrorCode } from './infra-error.js';

const execFileAsync = promisify(execFile);

export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
  readonly description: string;
}

/** Major version from `java -version` output: `version "17.0.15"` → 17, `version "1.8.0_402"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** Runs `bin -version`; undefined when the launcher does not exist or cannot run. */
export async function probeJava(bin: string): Promise<JavaRuntime | undefined> {
  try {
    const { stdout, stderr } = await execFileAsync(bin, ['-version'], { timeout: 30_000 });
    const output = `${stderr}${stdout}`;
    const major = parseJavaMajor(output);
    return major === undefined
      ? undefined
      : { bin, major, description: output.split('\n')[0]?.trim() ?? '' };
  } catch {
    return undefined;
  }
}

/** The Java runtime at `bin`, or an error that says what to install or which variable to set. */
export async function requireJava(
  bin: string,
  minMajor: number,
  purpose: string,
  variable: string,
): Promise<JavaRuntime> {
  const java = await probeJava(bin);
  if (!java) {
    throw new InfraError(
      InfraErrorCode.JavaNotFound,
      `No Java runtime at "${bin}" (needed for ${purpose}). Install a JDK ${minMajor}+ or set ${variable} / JAVA_HOME.`,
    );
  }
  if (java.major < minMajor) {
    throw new InfraError(
      InfraErrorCode.JavaTooOld,
      `${purpose} needs Java ${minMajor}+, but "${bin}" is Java ${java.major} (${java.description}). ` +
        `Set ${variable} to a Java ${minMajor}+ launcher.`,
    );
  }
  return java;
}

/** True when `command --version`-style probing succeeds (used to decide whether mvn is usable). */
export async function commandWorks(command: string, args: readonly string[]): Promise<boolean> {
  try {
    await execFileAsync(command, [...args], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}
