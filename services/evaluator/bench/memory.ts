/**
 * Memory per pending prediction in the evaluator's in-memory join store, filled through the pure
 * core (`JoinProcessor.process`, no Kafka). Not a test: run it by hand.
 *
 *   node --expose-gc --conditions=source --import tsx services/evaluator/bench/memory.ts \
 *     [counts=100000,1000000] [runs=3]
 *
 * Every measurement runs in a fresh child process (RSS never shrinks back, so one process per
 * fill keeps fills independent): force a full GC, read heapUsed and RSS, process `count`
 * predictions that each wait for their label (one prediction per request, no label arrives),
 * flush, force a GC again and read them again. The deltas divided by the count are the bytes a
 * pending prediction holds, Map and heap growth amortised in; next to them is the store's own
 * estimate (`approximateBytes`, exported as `kanary_join_memory_bytes`).
 *
 * The predictions look like production ones: UUID requestId and rolloutId, a 17-character
 * variant, a class output, a fractional latency (its JSON text is ~17 characters).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Prediction } from '@kanary/contracts';
import { JoinProcessor } from '../src/index.js';
import { median } from './median.js';

interface Measurement {
  readonly count: number;
  readonly heapBytesPerPending: number;
  readonly rssBytesPerPending: number;
  readonly accountedBytesPerPending: number;
  /** Heap in use by the whole process once the store is full, MiB. */
  readonly heapUsedMiB: number;
}

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const ROLLOUT_ID = randomUUID();

function prediction(i: number): Prediction {
  const canary = i % 2 === 1;
  return {
    scores: null,
    segment: null,
    requestId: randomUUID(),
    model: 'fraud-detector',
    rolloutId: ROLLOUT_ID,
    variant: canary ? 'fraud-detector-v2' : 'fraud-detector-v1',
    role: canary ? 'CANARY' : 'STABLE',
    served: true,
    output: i % 3 === 0 ? 'fraud' : 'legit',
    score: 0.5,
    latencyMs: 3 + ((i * 7919) % 40_000) / 997,
    status: 'OK',
    error: null,
    timestamp: T0 + i,
  };
}

function settledMemory(gc: () => void): NodeJS.MemoryUsage {
  // Two passes: the first may leave objects that only a second full collection frees.
  gc();
  gc();
  return process.memoryUsage();
}

function measure(count: number): Measurement {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  // No eviction: the store must hold every prediction.
  const processor = new JoinProcessor({ maxPending: count + 1 });
  processor.init({ now: T0 });
  const before = settledMemory(gc);
  for (let i = 0; i < count; i++) {
    processor.process({ kind: 'prediction', value: prediction(i) }, T0 + i);
  }
  processor.flush();
  const after = settledMemory(gc);
  const stats = processor.stats();
  if (stats.pendingPredictions !== count) {
    throw new Error(
      `expected ${count} pending predictions, the store holds ${stats.pendingPredictions}`,
    );
  }
  return {
    count,
    heapBytesPerPending: (after.heapUsed - before.heapUsed) / count,
    rssBytesPerPending: (after.rss - before.rss) / count,
    accountedBytesPerPending: stats.approximateBytes / count,
    heapUsedMiB: after.heapUsed / 2 ** 20,
  };
}

function runChild(count: number): Measurement {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      '--max-old-space-size=8192',
      fileURLToPath(import.meta.url),
      '--child',
      String(count),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`measurement of ${count} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as Measurement;
}

const round = (n: number): string => Math.round(n).toString();

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(measure(Number(process.argv[3]))));
} else {
  const counts = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
  const runs = Number(process.argv[3] ?? 3);
  console.log(`node ${process.version}, ${runs} runs per count, one child process per run`);
  for (const count of counts) {
    const results: Measurement[] = [];
    for (let run = 1; run <= runs; run++) {
      const m = runChild(count);
      results.push(m);
      console.log(
        `  ${count} pending, run ${run}: heap ${round(m.heapBytesPerPending)} B, RSS ${round(m.rssBytesPerPending)} B, ` +
          `store estimate ${round(m.accountedBytesPerPending)} B per pending prediction ` +
          `(heap in use ${round(m.heapUsedMiB)} MiB)`,
      );
    }
    const med = (f: (m: Measurement) => number) => round(median(results.map(f)));
    console.log(
      `${count} pending predictions, median of ${runs}: heap ${med((m) => m.heapBytesPerPending)} B, ` +
        `RSS ${med((m) => m.rssBytesPerPending)} B, store estimate ${med((m) => m.accountedBytesPerPending)} B ` +
        'per pending prediction',
    );
  }
}
