// Operating characteristics of the decision engine with the DEFAULT policy, in closed-loop
// simulations (seeded, reproducible): how often an equally good canary is rolled back (A/A) or
// paused by a data-quality alarm, next to a naive repeated z-test looking at the same runs, and
// how often and how fast a canary 5 points less accurate is rolled back.
//
// Run: node --conditions=source --import tsx packages/decision-engine/bench/aa-simulation.ts [runs] [ids]
// `ids`: a comma-separated subset of the scenario ids below (aa, aa-delay, drop), e.g. to share
// the work between processes; each prints its own rows of the same table.
//
// Every run: 30 requests/s, stable 85 % accurate, 1 % errors and the same latency in both arms,
// every request labelled after an exponential delay, the engine ticking every 30 s, until the
// rollout is promoted, rolled back or paused (or 48 h pass: "timeout"). Run i of scenario j uses
// seed 20260101 + 1,000,000 j + i: the scenarios draw independent runs, so A/A rows may be pooled
// (with one seed for both, the two A/A rows would be the same requests labelled at other times,
// and their rollbacks would coincide). The naive monitors look at every tick of the same runs and "roll back"
// at the first look where a two-sided z-test at α = 0.05 finds the canary worse: (a) on the
// policy's own counts (mature, concurrent), which isolates the cost of peeking; (b) on every
// evaluation as it arrives, as a dashboard would. They only watch: the policy drives every run.
import type { Evaluation } from '@kanary/contracts';
import { naiveZTest, type TwoArmCounts } from '@kanary/stats';
import { simulateRollout, type RolloutScenario } from '../src/simulation/simulate-rollout.js';
import { causeOf, medianP90, rate } from './rates.js';

const runs = Number(process.argv[2] ?? 300);
const only = process.argv[3]?.split(',');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SEED = 20_260_101;

interface Tallies {
  runs: number;
  outcomes: Record<string, number>;
  /** What ended the rolled-back and paused runs: the failing metrics, or the decision code. */
  causes: Record<string, number>;
  naiveOwnCounts: number;
  naiveArrivals: number;
  hoursToPromote: number[];
  hoursToRollback: number[];
  canaryLabelledAtRollback: number[];
}

const worse = (counts: TwoArmCounts): boolean => {
  const test = naiveZTest(counts);
  return test.reject && test.estimate < 0;
};

function measure(scenario: Omit<RolloutScenario, 'seed'>, seed: number, count: number): Tallies {
  const tallies: Tallies = {
    runs: count,
    outcomes: {},
    causes: {},
    naiveOwnCounts: 0,
    naiveArrivals: 0,
    hoursToPromote: [],
    hoursToRollback: [],
    canaryLabelledAtRollback: [],
  };
  for (let i = 0; i < count; i += 1) {
    const arrivals = {
      stable: { successes: 0, total: 0 },
      canary: { successes: 0, total: 0 },
    };
    let naiveOwn = false;
    let naiveArrival = false;
    const run = simulateRollout({
      ...scenario,
      seed: seed + i,
      onEvaluation: (evaluation: Evaluation) => {
        if (evaluation.rolloutId === null) return;
        const arm = evaluation.variant === 'canary' ? arrivals.canary : arrivals.stable;
        arm.total += 1;
        if (evaluation.correct) arm.successes += 1;
      },
      onTick: (now, _state, engine) => {
        if (!naiveArrival && arrivals.canary.total > 0 && worse(arrivals)) naiveArrival = true;
        if (naiveOwn) return;
        const [stable, canary] = engine.summary(now)[0]?.arms ?? [];
        if (stable === undefined || canary === undefined) return;
        if (stable.labelled === 0 || canary.labelled === 0) return;
        const own = {
          stable: {
            successes: Math.round((stable.accuracy ?? 0) * stable.labelled),
            total: stable.labelled,
          },
          canary: {
            successes: Math.round((canary.accuracy ?? 0) * canary.labelled),
            total: canary.labelled,
          },
        };
        if (worse(own)) naiveOwn = true;
      },
    });
    const outcome = run.outcome === 'RUNNING' ? 'timeout' : run.outcome;
    tallies.outcomes[outcome] = (tallies.outcomes[outcome] ?? 0) + 1;
    const hours = run.durationMs / HOUR;
    if (run.outcome === 'ROLLED_BACK' || run.outcome === 'PAUSED') {
      const verb = run.outcome === 'PAUSED' ? 'paused' : 'rolled back';
      const cause = `${verb} by ${causeOf(run.final)} at step ${run.final?.stepIndex ?? '?'}`;
      tallies.causes[cause] = (tallies.causes[cause] ?? 0) + 1;
    }
    if (run.outcome === 'PROMOTED') tallies.hoursToPromote.push(hours);
    if (run.outcome === 'ROLLED_BACK') {
      tallies.hoursToRollback.push(hours);
      const accuracy = run.final?.evidence.find((e) => e.metric === 'accuracy');
      if (accuracy !== undefined) tallies.canaryLabelledAtRollback.push(accuracy.nCanary);
    }
    if (naiveOwn) tallies.naiveOwnCounts += 1;
    if (naiveArrival) tallies.naiveArrivals += 1;
    if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1} runs done\n`);
  }
  return tallies;
}

const HEADER = [
  'scenario',
  'runs',
  'promoted / rolled back / paused / timeout',
  'rolled back, default policy (95 % CI)',
  'paused (95 % CI)',
  "naive z-test, policy's counts",
  'naive z-test, evaluations on arrival',
  'canary labels at rollback, median (p90)',
  'hours to roll back, median (p90)',
  'hours to promote, median (p90)',
];

function row(title: string, t: Tallies): string {
  const n = (outcome: string) => t.outcomes[outcome] ?? 0;
  const cells = [
    title,
    String(t.runs),
    `${n('PROMOTED')} / ${n('ROLLED_BACK')} / ${n('PAUSED')} / ${n('timeout')}`,
    rate(n('ROLLED_BACK'), t.runs),
    rate(n('PAUSED'), t.runs),
    rate(t.naiveOwnCounts, t.runs),
    rate(t.naiveArrivals, t.runs),
    medianP90(t.canaryLabelledAtRollback, 0),
    medianP90(t.hoursToRollback, 1),
    medianP90(t.hoursToPromote, 1),
  ];
  return `| ${cells.join(' | ')} |`;
}

const common = {
  requestsPerSecond: 30,
  tickMs: 30_000,
  stable: { accuracy: 0.85 },
  maxDurationMs: 48 * HOUR,
} satisfies Partial<RolloutScenario>;

const SCENARIOS: ReadonlyArray<[id: string, title: string, Omit<RolloutScenario, 'seed'>]> = [
  [
    'aa',
    'A/A 0.85 vs 0.85, labels after 10 min on average',
    {
      ...common,
      canary: { accuracy: 0.85 },
      labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
    },
  ],
  [
    'aa-delay',
    'A/A 0.85 vs 0.85, wrong answers labelled sooner (5 vs 30 min on average)',
    {
      ...common,
      canary: { accuracy: 0.85 },
      labels: { correctMeanDelayMs: 30 * MINUTE, wrongMeanDelayMs: 5 * MINUTE },
    },
  ],
  [
    'drop',
    '5-point drop 0.80 vs 0.85, labels after 10 min on average',
    {
      ...common,
      canary: { accuracy: 0.8 },
      labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
    },
  ],
];

const rows: string[] = [];
const notes: string[] = [];
for (const [index, [id, title, scenario]] of SCENARIOS.entries()) {
  if (only !== undefined && !only.includes(id)) continue;
  const started = Date.now();
  const tallies = measure(scenario, SEED + 1_000_000 * index, runs);
  console.error(`${id}: ${runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  rows.push(row(title, tallies));
  const causes = Object.entries(tallies.causes).map(([cause, k]) => `${cause} ${k}`);
  if (causes.length > 0) notes.push(`- ${title}: ${causes.join(', ')}`);
}
console.log(`| ${HEADER.join(' | ')} |`);
console.log(`|${HEADER.map(() => '---').join('|')}|`);
for (const line of rows) console.log(line);
if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
