import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@kanary/testkit';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The decision service as a process of its own (`main.ts`), which a test can kill. */
export interface DecisionProcess {
  /** SIGKILL: no graceful stop, nothing flushed, its consumer groups left behind. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
  stop(): Promise<void>;
  /** Everything it wrote so far, for a failure's message. */
  output(): string;
}

/**
 * Starts the decision service's process with `env` (a bed's: broker, registry, topics) and
 * waits until `/readyz` answers 200. It judges every 200 ms and reports every HOLD, so that
 * each tick's report carries the statistics it judged.
 */
export async function startDecisionProcess(
  env: Readonly<Record<string, string>>,
  name: string,
): Promise<DecisionProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    env: {
      ...process.env,
      ...env,
      KANARY_INSTANCE_ID: name,
      LOG_LEVEL: 'warn',
      DECISION_INTERVAL_MS: '200',
      DECISION_HOLD_REPORT_INTERVAL_MS: '0',
      DECISION_OPS_PORT: String(port),
      DECISION_OPS_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const kill = async () => {
    if (!ended()) child.kill('SIGKILL');
    await exited;
  };
  const running: DecisionProcess = {
    kill,
    stop: async () => {
      if (ended()) return;
      child.kill('SIGTERM');
      await waitFor(ended, { timeoutMs: 30_000 }).catch(kill);
    },
    output: () => output,
  };
  try {
    await waitFor(
      async () => {
        if (ended()) throw new Error(`${name} exited`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      },
      { timeoutMs: 90_000, description: () => `${name} ready; it wrote:\n${output.slice(-4_000)}` },
    );
  } catch (error) {
    await kill();
    throw error;
  }
  return running;
}
