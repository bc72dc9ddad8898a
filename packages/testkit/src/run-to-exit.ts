import { spawn } from 'node:child_process';

/** How a process ended, with everything it wrote to stdout and stderr (interleaved). */
export interface ProcessOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/**
 * Runs a TypeScript entry point (a service's `main.ts`) with the repository's loader until it
 * exits on its own, with exactly `env` as its environment, and returns how it ended and what it
 * said — for tests of start-up failures and of processes that must stop themselves.
 */
export function runToExit(
  main: string,
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, output }));
  });
}
