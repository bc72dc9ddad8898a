// Operating characteristics of A/B/n rollouts with the DEFAULT policy, in closed-loop simulations
// (seeded, reproducible): three candidates against one stable — how often a worse candidate is
// rolled back, the better one promoted, an equal one promoted over the better, and, when all are
// equal, how often any candidate is falsely rolled back.
//
// Run: node --conditions=source --import tsx packages/decision-engine/bench/candidates-simulation.ts [runs] [ids] [first]
// `ids`: a comma-separated subset of the scenario ids below; `first`: the index of the first run
// (default 0), so that runs first … first + runs − 1 can be split over processes and the counts
// added up.
//
// Every run: 30 requests/s, 1 % errors and the same latency in every arm, every request labelled
// after an exponential delay of 10 minutes on average, the engine ticking every 30 s, until the
// rollout is promoted, rolled back (every candidate) or paused (or 72 h pass: "timeout"). Each
// candidate follows the default steps capped at its slice (25 % with three candidates) and is
// judged at alpha / 3. Run i of scenario j uses seed 20261206 + 1,000,000 j + i.
import { CandidateStatus } from '@kanary/contracts';
import {
  simulateRollout,
  type CandidateModel,
  type RolloutScenario,
} from '../src/simulation/simulate-rollout.js';
import { medianP90, rate } from './rates.js';

const runs = Number(process.argv[2] ?? 200);
const only = process.argv[3]?.split(',');
const first = Number(process.argv[4] ?? 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SEED = 20_261_206;

interface Tallies {
  runs: number;
  /** Runs that rolled back each candidate. */
  rolledBack: Record<string, number>;
  /** Runs that promoted each candidate. */
  promoted: Record<string, number>;
  /** Runs in which at least one candidate was rolled back. */
  anyRollback: number;
  outcomes: Record<string, number>;
  hours: number[];
}

function measure(scenario: Omit<RolloutScenario, 'seed'>, seed: number, count: number): Tallies {
  const tallies: Tallies = {
    runs: count,
    rolledBack: {},
    promoted: {},
    anyRollback: 0,
    outcomes: {},
    hours: [],
  };
  for (let i = 0; i < count; i += 1) {
    const run = simulateRollout({ ...scenario, seed: seed + i });
    const outcome = run.outcome === 'RUNNING' ? 'timeout' : run.outcome;
    tallies.outcomes[outcome] = (tallies.outcomes[outcome] ?? 0) + 1;
    if (run.outcome !== 'RUNNING') tallies.hours.push(run.durationMs / HOUR);
    let anyRollback = false;
    for (const c of run.state.candidates) {
      if (c.status === CandidateStatus.ROLLED_BACK) {
        tallies.rolledBack[c.variant] = (tallies.rolledBack[c.variant] ?? 0) + 1;
        anyRollback = true;
      }
      if (c.status === CandidateStatus.PROMOTED) {
        tallies.promoted[c.variant] = (tallies.promoted[c.variant] ?? 0) + 1;
      }
    }
    if (anyRollback) tallies.anyRollback += 1;
    if ((i + 1) % 25 === 0) process.stderr.write(`  ${i + 1} runs done\n`);
  }
  return tallies;
}

const common = {
  requestsPerSecond: 30,
  tickMs: 30_000,
  labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
  maxDurationMs: 72 * HOUR,
  stable: { accuracy: 0.8 },
} satisfies Partial<RolloutScenario>;

const candidates = (...accuracies: number[]): CandidateModel[] =>
  accuracies.map((accuracy, i) => ({
    variant: ['a', 'b', 'c'][i] as string,
    model: { accuracy },
  }));

/** Scenario id, title and scenario. */
export const CANDIDATE_SCENARIOS: ReadonlyArray<
  [id: string, title: string, scenario: Omit<RolloutScenario, 'seed'>]
> = [
  [
    'worse-equal-better',
    'stable 80 %; a 75 % (5 points worse), b 80 % (equal), c 85 % (5 points better)',
    { ...common, candidates: candidates(0.75, 0.8, 0.85) },
  ],
  [
    'all-equal',
    'stable 80 %; a, b, c 80 % (all equal)',
    { ...common, candidates: candidates(0.8, 0.8, 0.8) },
  ],
];

function main(): void {
  console.log(
    `A/B/n simulations, default policy, runs ${first}–${first + runs - 1} of each scenario\n`,
  );
  console.log(
    '| scenario | rolled back a / b / c | promoted a / b / c | any candidate rolled back | outcomes | hours to the end, median (p90) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  CANDIDATE_SCENARIOS.forEach(([id, title, scenario], j) => {
    if (only !== undefined && !only.includes(id)) return;
    process.stderr.write(`${id}\n`);
    const t = measure(scenario, SEED + 1_000_000 * j + first, runs);
    const each = (counts: Record<string, number>) =>
      ['a', 'b', 'c'].map((v) => rate(counts[v] ?? 0, t.runs)).join(' / ');
    const outcomes = Object.entries(t.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `| ${title} | ${each(t.rolledBack)} | ${each(t.promoted)} | ${rate(t.anyRollback, t.runs)} | ${outcomes} | ${medianP90(t.hours, 1)} |`,
    );
    // The raw counts, for adding up runs split over processes.
    process.stderr.write(`${JSON.stringify({ id, first, seed: SEED + 1_000_000 * j, ...t })}\n`);
  });
}

main();
