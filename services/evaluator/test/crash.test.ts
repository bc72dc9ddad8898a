import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collectMessages, disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  committedEvaluations,
  compareExact,
  evaluatorFixture,
  produceRecords,
  seededRandom,
  waitForInputsCommitted,
  workload,
} from './support.js';
import { expectedEvidence, settledEvidence, startWorkloadRollout } from './evidence-check.js';

afterAll(() => disconnectTestClients());

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('evaluator killed with SIGKILL', () => {
  it('restarted after every kill, ends with exactly the expected evaluations', async () => {
    const f = await evaluatorFixture(4);
    const run = workload(9_500, 7);
    expect(run.records.length).toBeGreaterThanOrEqual(20_000);
    await startWorkloadRollout(f, Date.now() - 60_000);
    await produceRecords(f, run.records);
    const groupId = `${f.prefix}.evaluator`;
    const committed = await collectMessages(f.catalog.evaluations.name);
    const stderr: string[] = [];
    const spawnEvaluator = (): ChildProcess => {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
        env: {
          ...process.env,
          ...f.env,
          KANARY_INSTANCE_ID: 'crashy',
          LOG_LEVEL: 'error',
          // Small batches: many transactions, so that a kill lands in the middle of the run.
          EVALUATOR_MAX_BYTES_PER_PARTITION: '16384',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      return child;
    };
    const killed = (child: ChildProcess) =>
      new Promise<NodeJS.Signals | number | null>((resolve) => {
        child.once('exit', (code, signal) => resolve(signal ?? code));
        child.kill('SIGKILL');
      });

    // Kill points: random fractions of the expected evaluations, increasing.
    const random = seededRandom(Date.now());
    const points = [0.15, 0.4, 0.65].map((base) => base + random() * 0.15);
    const seenAtKill: number[] = [];
    let child = spawnEvaluator();
    try {
      for (const point of points) {
        const target = Math.floor(point * run.expected.size);
        await committed.waitFor(target, 120_000);
        seenAtKill.push(committed.records.length);
        expect(await killed(child)).toBe('SIGKILL');
        child = spawnEvaluator();
      }
      await waitForInputsCommitted(f, groupId, 150_000);
      const result = compareExact(await committedEvaluations(f), run.expected);
      expect(result).toEqual({
        count: run.expected.size,
        duplicates: [],
        missing: [],
        unexpected: [],
      });
      // Every kill hit a run in progress.
      expect(seenAtKill.every((n) => n < run.expected.size)).toBe(true);
      // The evidence folded while being killed counts every evaluation and shadow pair once.
      const expected = await expectedEvidence(f, run.records);
      expect(expected.pairs.labelledPairs).toBeGreaterThan(1_000);
      expect(await settledEvidence(f, expected)).toEqual(expected);
    } catch (e) {
      process.stderr.write(`evaluator stderr:\n${stderr.join('')}\n`);
      throw e;
    } finally {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, {
        timeoutMs: 30_000,
      }).catch(() => child.kill('SIGKILL'));
      await committed.stop();
    }
  });
});
