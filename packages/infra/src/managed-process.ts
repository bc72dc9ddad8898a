import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What the launcher records about a process it started; the pid file's content. */
export interface PidRecord {
  readonly pid: number;
  readonly component: string;
  readonly version: string;
  readonly ports: readonly number[];
  /** A JVM argument unique to this state dir; a pid whose command line lacks it is not ours. */
  readonly marker: string;
  readonly logFile: string;
  readonly startedAt: string;
}

/** True while `pid` exists and is not a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; state Z means exited but not yet reaped.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') return true;
    // The main thread of a multi-threaded process (a JVM) turns zombie as soon as it exits,
    // while the other threads are still exiting and the process still holds its files and
    // listening sockets: a broker killed with SIGKILL would look gone while its port still
    // accepts connections. It is gone once no other thread is left.
    return readdirSync(`/proc/${pid}/task`).length > 1;
  } catch {
    return true; // no procfs (macOS): kill(0) is the best answer available
  }
}

async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    try {
      return (await execFileAsync('ps', ['-p', String(pid), '-o', 'command='])).stdout;
    } catch {
      return undefined;
    }
  }
}

export async function readPidRecord(file: string): Promise<PidRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

export async function writePidRecord(file: string, record: PidRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The record of a live process this launcher started, or undefined. A record whose process is gone,
 * or whose pid now belongs to an unrelated process, is removed so it cannot cause a wrong kill.
 */
export async function ownedProcess(file: string): Promise<PidRecord | undefined> {
  const record = await readPidRecord(file);
  if (!record) return undefined;
  if (isProcessAlive(record.pid) && (await commandLineOf(record.pid))?.includes(record.marker))
    return record;
  await rm(file, { force: true });
  return undefined;
}

export interface SpawnOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  /** Keep the previous log (a restart) instead of starting a new one. */
  readonly appendLog: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts a process in its own process group, writing stdout and stderr to `logFile`, and lets it
 * outlive the caller (`infra:up` returns while the broker keeps running).
 */
export async function spawnDetached(
  options: SpawnOptions,
): Promise<{ pid: number; exited: () => number | null }> {
  await mkdir(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, options.appendLog ? 'a' : 'w');
  let exitCode: number | null = null;
  try {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid ?? -1));
    });
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
    });
    child.unref();
    return { pid, exited: () => exitCode };
  } finally {
    closeSync(fd);
  }
}

/** Sends `signal` (SIGTERM by default), waits up to `timeoutMs`, then SIGKILLs. Resolves once gone. */
export async function terminate(
  pid: number,
  options: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<void> {
  const send = (signal: NodeJS.Signals): void => {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  send(options.signal ?? 'SIGTERM');
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      send('SIGKILL');
      break;
    }
    await delay(100);
  }
  while (isProcessAlive(pid)) await delay(50);
}
