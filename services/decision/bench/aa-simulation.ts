// Operating characteristics of the decision engine with the DEFAULT policy, in closed-loop
// simulations (seeded, reproducible): false rollbacks when canary and stable are equally good
// (A/A), next to a naive repeated z-test looking at the same runs, and how many labelled canary
// samples it takes to catch a 5-point drop.
//
// Run: node --conditions=source --import tsx services/decision/bench/aa-simulation.ts [runs] [only]
// (`only`: run just the scenarios whose title contains it, e.g. to use several processes.)
//
// Every run: 30 requests/s, stable and canary 85 % accurate (1 % errors, same latency), labels
// for every request after an exponential delay, the engine ticking every 30 s, until the
// rollout is promoted, rolled back or paused (or 48 h pass). The naive monitors look at every
// tick of the same runs and "roll back" at the first look where a two-sided z-test at α = 0.05
// finds the canary worse: (a) on the policy's own counts (mature, concurrent), which isolates the
// cost of peeking; (b) on every evaluation as it arrives, as a dashboard would.
import type { DecisionReport, Evaluation } from '@kanary/contracts';
import { naiveZTest, type TwoArmCounts } from '@kanary/stats';
import { simulateRollout, type RolloutScenario } from '../src/simulation/simulate-rollout.js';

const runs = Number(process.argv[2] ?? 200);
const only = process.argv[3];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SEED = 20_260_101;

interface Tallies {
  runs: number;
  outcomes: Record<string, number>;
  rollbackBy: Record<string, number>;
  naiveOwnCounts: number;
  naiveArrivals: number;
  hoursToEnd: number[];
  canaryLabelledAtRollback: number[];
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? null)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const pct = (n: number, of: number): string =>
  `${((100 * n) / of).toFixed(1)} % ± ${((100 * Math.sqrt((n / of) * (1 - n / of))) / Math.sqrt(of)).toFixed(1)}`;

const worse = (counts: TwoArmCounts): boolean => {
  const test = naiveZTest(counts);
  return test.reject && test.estimate < 0;
};

function failingMetrics(report: DecisionReport | null): string {
  const failed = report?.evidence.filter((e) => e.outcome === 'FAIL').map((e) => e.metric) ?? [];
  return failed.length > 0 ? failed.join('+') : 'timeout';
}

function measure(name: string, scenario: Omit<RolloutScenario, 'seed'>, count: number): Tallies {
  const tallies: Tallies = {
    runs: count,
    outcomes: {},
    rollbackBy: {},
    naiveOwnCounts: 0,
    naiveArrivals: 0,
    hoursToEnd: [],
    canaryLabelledAtRollback: [],
  };
  const started = Date.now();
  for (let i = 0; i < count; i += 1) {
    const arrivals: TwoArmCounts &
      Record<'stable' | 'canary', { successes: number; total: number }> = {
      stable: { successes: 0, total: 0 },
      canary: { successes: 0, total: 0 },
    };
    let naiveOwn = false;
    let naiveArrival = false;
    const run = simulateRollout({
      ...scenario,
      seed: SEED + i,
      onEvaluation: (evaluation: Evaluation) => {
        if (evaluation.rolloutId === null) return;
        const arm = evaluation.variant === 'canary' ? arrivals.canary : arrivals.stable;
        arm.total += 1;
        if (evaluation.correct) arm.successes += 1;
      },
      onTick: (now, _state, engine) => {
        if (!naiveArrival && arrivals.canary.total > 0 && worse(arrivals)) naiveArrival = true;
        const summary = engine.summary(now)[0];
        const [stable, canary] = summary?.arms ?? [];
        if (naiveOwn || stable === undefined || canary === undefined) return;
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
    tallies.outcomes[run.outcome] = (tallies.outcomes[run.outcome] ?? 0) + 1;
    if (run.outcome === 'ROLLED_BACK') {
      const by = failingMetrics(run.final);
      tallies.rollbackBy[by] = (tallies.rollbackBy[by] ?? 0) + 1;
      const accuracy = run.final?.evidence.find((e) => e.metric === 'accuracy');
      if (accuracy !== undefined) tallies.canaryLabelledAtRollback.push(accuracy.nCanary);
    }
    if (run.outcome !== 'RUNNING') tallies.hoursToEnd.push(run.durationMs / HOUR);
    if (naiveOwn) tallies.naiveOwnCounts += 1;
    if (naiveArrival) tallies.naiveArrivals += 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.error(`${name}: ${count} runs in ${seconds} s`);
  return tallies;
}

function scenario(title: string, setup: Omit<RolloutScenario, 'seed'>): void {
  if (only !== undefined && !title.includes(only)) return;
  report(title, measure(title, setup, runs));
}

function report(name: string, t: Tallies): void {
  const outcomes = Object.entries(t.outcomes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const by = Object.entries(t.rollbackBy)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const rolledBack = t.outcomes.ROLLED_BACK ?? 0;
  console.log(`\n### ${name} (${t.runs} runs)\n`);
  console.log(`| measure | value |\n|---|---|`);
  console.log(`| outcomes | ${outcomes} |`);
  console.log(`| rollbacks, default policy | ${pct(rolledBack, t.runs)}${by ? ` (${by})` : ''} |`);
  console.log(`| pauses (data-quality alarms) | ${pct(t.outcomes.PAUSED ?? 0, t.runs)} |`);
  console.log(
    `| naive repeated z-test on the policy's counts | ${pct(t.naiveOwnCounts, t.runs)} |`,
  );
  console.log(
    `| naive repeated z-test on evaluations as they arrive | ${pct(t.naiveArrivals, t.runs)} |`,
  );
  console.log(
    `| median hours to the end (promote/rollback/pause) | ${median(t.hoursToEnd)?.toFixed(2) ?? '–'} |`,
  );
  console.log(
    `| median canary labelled samples at rollback | ${median(t.canaryLabelledAtRollback) ?? '–'} |`,
  );
}

const common = {
  requestsPerSecond: 30,
  tickMs: 30_000,
  stable: { accuracy: 0.85 },
  maxDurationMs: 48 * HOUR,
} satisfies Partial<RolloutScenario>;

scenario('A/A, labels after 10 min on average (any outcome)', {
  ...common,
  canary: { accuracy: 0.85 },
  labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
});
scenario('A/A, wrong predictions labelled sooner (5 min vs 30 min on average)', {
  ...common,
  canary: { accuracy: 0.85 },
  labels: { correctMeanDelayMs: 30 * MINUTE, wrongMeanDelayMs: 5 * MINUTE },
});
scenario('Canary 5 points worse (0.80 vs 0.85), labels after 10 min on average', {
  ...common,
  canary: { accuracy: 0.8 },
  labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
});
