import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { disconnectTestClients, freePort, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  countByRequestAndVariant,
  produceRouted,
  readAllPredictions,
  routed,
  workerFixture,
} from './support.js';

afterAll(() => disconnectTestClients());

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

async function predictionsCounted(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(/^kanary_predictions_total\{[^}]*\} (\d+)$/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

describe('model worker process', () => {
  it('after kill -9 and a restart, every routed request still has exactly one committed prediction', async () => {
    const f = await workerFixture();
    const n = 3_000;
    const variants = {
      'sim-a': { kind: 'sim', accuracy: 0.9, classes: ['a', 'b'], latency: { constantMs: 4 } },
    };
    await produceRouted(
      f,
      Array.from({ length: n }, (_, i) => routed(i, 'sim-a')),
    );
    const spawnWorker = (port: number) =>
      spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
        env: {
          ...process.env,
          ...f.env,
          WORKER_VARIANTS: JSON.stringify(variants),
          WORKER_CONCURRENCY: '4',
          WORKER_SESSION_TIMEOUT_MS: '6000',
          KANARY_INSTANCE_ID: 'crash-1',
          OPS_PORT: String(port),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });

    const firstPort = await freePort();
    const first = spawnWorker(firstPort);
    try {
      // Kill it mid-stream: some transactions committed, one probably open.
      await waitFor(async () => (await predictionsCounted(firstPort)) >= 500, {
        timeoutMs: 60_000,
        description: 'the first worker to make 500 predictions',
      });
    } finally {
      first.kill('SIGKILL');
      await exited(first);
    }
    expect(first.signalCode).toBe('SIGKILL');

    const secondPort = await freePort();
    const second = spawnWorker(secondPort);
    try {
      // Same transactional id: the restarted worker fences and aborts what the first left open.
      await waitFor(
        async () => {
          const counts = countByRequestAndVariant(await readAllPredictions(f));
          return counts.size === n;
        },
        { timeoutMs: 120_000, intervalMs: 1_000, description: `predictions for all ${n} requests` },
      );
    } finally {
      second.kill('SIGTERM');
    }
    expect(await exited(second)).toBe(0);

    const counts = countByRequestAndVariant(await readAllPredictions(f));
    expect(counts.size).toBe(n);
    expect([...counts.entries()].filter(([, c]) => c !== 1)).toEqual([]);
  });

  it('fails start-up naming an invalid variable, exit code 2', async () => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env: {
        ...process.env,
        KAFKA_BROKERS: 'localhost:19092',
        SCHEMA_REGISTRY_URL: 'http://localhost:18081',
        WORKER_VARIANTS: '{"v":{"kind":"sim"}}',
        WORKER_TIMEOUT_MS: 'never',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exited(child)).toBe(2);
    expect(stderr).toContain('WORKER_TIMEOUT_MS ("never"): must be an integer');
  });
});
