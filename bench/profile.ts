/**
 * `pnpm bench:profile <subject> [--records n] [--top n]`: a CPU profile of one stage reading a
 * backlog, taken with the inspector from the moment the stage starts until the backlog is done
 * (backlog writing and stack start-up left out). Subjects: `router`, `evaluator`, and the
 * exactly-once passthrough over either's inputs (`router-baseline`, `evaluator-baseline`), to
 * tell the stage's own work from kafkajs'. Writes the `.cpuprofile` to bench/out/profiles/ (open
 * it in Chrome DevTools) and prints the areas of code and the functions with the most samples.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluatorContender, fillJoinBacklog } from './benchmarks/evaluator.js';
import { fillRequestBacklog, routerContender } from './benchmarks/router.js';
import { passthroughContenders, type Contender } from './lib/compare-throughput.js';
import { measureRate } from './lib/measure-rate.js';
import { renderProfileSummary, summariseProfile, type CpuProfile } from './lib/profile-summary.js';
import { openStack, type BenchStack, type BenchTopics } from './lib/stack.js';

interface Subject {
  /** Input records the backlog of `n` gives the contender. */
  records(n: number): number;
  fill(stack: BenchStack, topics: BenchTopics, n: number): Promise<void>;
  contender(stack: BenchStack, topics: BenchTopics): Contender;
}

const eosPassthrough =
  (inputs: (t: BenchTopics) => string[], fetchBytes: number) =>
  (stack: BenchStack, topics: BenchTopics): Contender =>
    passthroughContenders(stack.kafka, topics, inputs(topics), fetchBytes).find(
      (c) => c.key === 'passthrough-eos',
    )!;
const routerInputs = (t: BenchTopics) => [t.catalog.requests.name];
const evaluatorInputs = (t: BenchTopics) => [t.catalog.predictions.name, t.catalog.labels.name];

// Fetch sizes as in benchmarks/router.ts and benchmarks/evaluator.ts (the services' defaults).
const SUBJECTS: Record<string, Subject> = {
  router: { records: (n) => n, fill: fillRequestBacklog, contender: routerContender },
  'router-baseline': {
    records: (n) => n,
    fill: fillRequestBacklog,
    contender: eosPassthrough(routerInputs, 131_072),
  },
  evaluator: {
    records: (n) => 2 * n,
    fill: fillJoinBacklog,
    contender: (stack, topics) => evaluatorContender(stack, topics),
  },
  'evaluator-baseline': {
    records: (n) => 2 * n,
    fill: fillJoinBacklog,
    contender: eosPassthrough(evaluatorInputs, 1_048_576),
  },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: 'string', default: '40000' },
    top: { type: 'string', default: '30' },
  },
});
const name = positionals[0] ?? '';
const subject = SUBJECTS[name];
if (subject === undefined) {
  throw new Error(`usage: bench:profile <${Object.keys(SUBJECTS).join('|')}> [--records n]`);
}
const n = Number(values.records);
if (!Number.isInteger(n) || n < 2) throw new Error('--records must be an integer ≥ 2');
const log = (line: string) => process.stdout.write(`${line}\n`);

const stack = await openStack(log);
const topics = await stack.topics(`profile-${name}`);
const session = new Session();
try {
  await subject.fill(stack, topics, n);
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const running = await subject.contender(stack, topics).start('profile');
  const total = subject.records(n);
  let profile: CpuProfile;
  try {
    const rate = await measureRate(running.done, total, 600_000);
    log(
      `${name}: ${Math.round(rate.perSecond)} records/s, ${rate.cpuMicrosPerRecord.toFixed(1)} µs CPU per record (${total} records)`,
    );
  } finally {
    ({ profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile });
    await running.stop();
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out', 'profiles');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  log(`profile: ${file}\n`);
  log(renderProfileSummary(summariseProfile(profile, Number(values.top))));
} finally {
  session.disconnect();
  await topics.dispose();
  await stack.close();
}
