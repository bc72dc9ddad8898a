/**
 * `pnpm bench [--only name[,name]] [--repetitions n] [--quick]`: runs the benchmarks of bench/
 * against KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or against the local stack (started if needed and
 * stopped afterwards), and writes bench/results/<date>-<commit>.json and bench/RESULTS.md.
 * See bench/README.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_KAFKA_VERSION, resolveInfraConfig } from '@kanary/infra';
import { anchorBenchmark } from './benchmarks/anchor.js';
import { ceilingsBenchmark } from './benchmarks/ceilings.js';
import { decisionBenchmark } from './benchmarks/decision.js';
import { decisionRestartBenchmark } from './benchmarks/decision-restart.js';
import { endToEndBenchmark } from './benchmarks/end-to-end.js';
import { evaluatorBenchmark } from './benchmarks/evaluator.js';
import { recordCostsBenchmark } from './benchmarks/record-costs.js';
import { pipelineScaleBenchmark } from './benchmarks/pipeline-scale.js';
import { assignBenchmark } from './benchmarks/assign.js';
import { modelServersBenchmark } from './benchmarks/model-servers.js';
import { routerBenchmark } from './benchmarks/router.js';
import { workerBenchmark } from './benchmarks/worker.js';
import { describeMachine } from './lib/machine.js';
import { renderResults, renderTables, type RunRecord } from './lib/render-results.js';
import type { Benchmark, BenchmarkResult } from './lib/results.js';
import { openStack, type BenchStack } from './lib/stack.js';

const BENCHMARKS: ReadonlyArray<Benchmark<BenchStack>> = [
  ceilingsBenchmark,
  anchorBenchmark,
  routerBenchmark,
  assignBenchmark,
  workerBenchmark,
  modelServersBenchmark,
  evaluatorBenchmark,
  decisionBenchmark,
  decisionRestartBenchmark,
  endToEndBenchmark,
  pipelineScaleBenchmark,
  recordCostsBenchmark,
];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    repetitions: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const repetitions = Number(values.repetitions);
if (!Number.isInteger(repetitions) || repetitions < 1)
  throw new Error('--repetitions must be a positive integer');
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !BENCHMARKS.some((b) => b.name === name)) ?? [];
if (unknown.length > 0) {
  throw new Error(
    `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  );
}
const selected = BENCHMARKS.filter((b) => only === undefined || only.includes(b.name));
const benchDir = dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

const infraConfig = resolveInfraConfig();
const machine = describeMachine(
  process.env.KANARY_BENCH_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
  infraConfig.java,
);
log(
  `bench: ${selected.map((b) => b.name).join(', ')}; ${repetitions} repetitions${values.quick ? ', quick sizes' : ''}; ` +
    `load average ${machine.loadAverage.join(' ')} on ${machine.cores} cores`,
);
const stack = await openStack(log);
const results: BenchmarkResult[] = [];
try {
  for (const benchmark of selected) {
    const started = Date.now();
    log(`== ${benchmark.title}`);
    results.push(await benchmark.run(stack, { repetitions, quick: values.quick, log }));
    log(`   (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
} finally {
  await stack.close();
}

const record: RunRecord = {
  machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
  repetitions,
  quick: values.quick,
  results,
};
const stamp = machine.date.slice(0, 10);
const jsonPath =
  values.out ??
  join(
    benchDir,
    'results',
    // Runs of some benchmarks are named after them, so they do not replace a full run's file.
    `${stamp}-${machine.commit}${only ? `-${only.join('+')}` : ''}${values.quick ? '-quick' : ''}.json`,
  );
await mkdir(dirname(jsonPath), { recursive: true });
await writeFile(jsonPath, `${JSON.stringify(record, null, 2)}\n`);
log(`results: ${jsonPath}`);
if (!values.quick && only === undefined) {
  const resultsPath = join(benchDir, 'RESULTS.md');
  const existing = await readFile(resultsPath, 'utf8').catch(() => '');
  await writeFile(resultsPath, renderResults(record, jsonPath, existing));
  log(`table: ${join(benchDir, 'RESULTS.md')}`);
} else {
  process.stdout.write(`\n${renderTables(record, jsonPath)}\n`);
}
