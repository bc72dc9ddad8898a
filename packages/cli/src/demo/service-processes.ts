import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The services the demo runs, by directory under `services/`. */
export const DemoService = {
  ROUTER: 'router',
  MODEL_WORKER: 'model-worker',
  EVALUATOR: 'evaluator',
  DECISION: 'decision',
} as const;
export type DemoService = (typeof DemoService)[keyof typeof DemoService];

/** The repository root (the directory with pnpm-workspace.yaml) above this file. */
export function repositoryRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) {
      throw new Error(
        `the demo runs the services from a checkout of the Kanary repository; none found above ${from}`,
      );
    }
  }
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** How a service process ended: its exit code, or the signal that ended it. */
export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One service running as a child process, its output in a log file. */
export class ServiceProcess {
  private readonly child: ChildProcess;
  private exit: ServiceExit | undefined;
  private readonly exited: Promise<void>;

  /**
   * Starts `services/<service>/src/main.ts` with the repository's TypeScript loader, in the
   * repository root, with `env` added to this process's environment. `readyUrl` is the
   * service's `/readyz`. `service` is a directory under `services/`, one of the demo's or
   * another (the web console).
   */
  constructor(
    readonly service: DemoService | (string & {}),
    env: Readonly<Record<string, string>>,
    readonly readyUrl: string,
    readonly logFile: string,
    root = repositoryRoot(),
  ) {
    const main = join(root, 'services', service, 'src', 'main.ts');
    const log = openSync(logFile, 'a');
    try {
      this.child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Process id (undefined if the spawn failed). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended, once it has. */
  get exitStatus(): ServiceExit | undefined {
    return this.exit;
  }

  /** Resolves with how the process ended, once it has (without signalling it). */
  async exitedWith(): Promise<ServiceExit> {
    await this.exited;
    return this.exit!;
  }

  /** Sends `signal` (SIGKILL: a crash, no clean-up in the service) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ServiceExit> {
    if (this.exit === undefined) this.child.kill(signal);
    return this.exitedWith();
  }

  /** Resolves once `/readyz` answers 200; rejects with the log's tail if the process exits first. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit !== undefined) throw this.failure('exited during start-up');
      try {
        const response = await fetch(this.readyUrl, { signal: AbortSignal.timeout(1_000) });
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw this.failure(`was not ready within ${timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        void this.exited.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** SIGTERM (a graceful stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** An error naming the service, what happened and the last lines of its log. */
  failure(what: string): Error {
    const exit = this.exit
      ? ` (exit code ${this.exit.code ?? '–'}${this.exit.signal ? `, ${this.exit.signal}` : ''})`
      : '';
    let tail = '';
    try {
      tail = readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    } catch {
      // No log yet.
    }
    return new Error(
      `${this.service} ${what}${exit}; log ${this.logFile}${tail ? `:\n${tail}` : ''}`,
    );
  }
}
