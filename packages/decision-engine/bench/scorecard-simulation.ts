// Operating characteristics of the scorecard with the DEFAULT policy, in closed-loop simulations
// (seeded, reproducible): numeric models judged on MAE, class probabilities guarded by log-loss,
// and segments guarded on the primary metric — how often a worse canary is rolled back (and on
// which metric or segment), an equal one falsely rolled back, a better one promoted.
//
// Run: node --conditions=source --import tsx packages/decision-engine/bench/scorecard-simulation.ts [runs] [ids]
// `ids`: a comma-separated subset of the scenario ids below.
//
// Every run: 30 requests/s, 1 % errors and the same latency in both arms, every request labelled
// after an exponential delay of 10 minutes on average, the engine ticking every 30 s, until the
// rollout is promoted, rolled back or paused (or 48 h pass: "timeout"). Run i of scenario j uses
// seed 20261205 + 1,000,000 j + i. The default policy resolves its scorecard from the data: MAE
// primary for numeric predictions, accuracy primary with a log-loss guardrail for predictions
// with class probabilities, every segment guarded on the primary metric.
import { simulateRollout, type RolloutScenario } from '../src/simulation/simulate-rollout.js';
import { causeOf, medianP90, rate } from './rates.js';

const runs = Number(process.argv[2] ?? 200);
const only = process.argv[3]?.split(',');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SEED = 20_261_205;

interface Tallies {
  runs: number;
  outcomes: Record<string, number>;
  /** What ended the rolled-back and paused runs: the failing metrics (and segments), or the code. */
  causes: Record<string, number>;
  hours: number[];
}

function measure(scenario: Omit<RolloutScenario, 'seed'>, seed: number, count: number): Tallies {
  const tallies: Tallies = { runs: count, outcomes: {}, causes: {}, hours: [] };
  for (let i = 0; i < count; i += 1) {
    const run = simulateRollout({ ...scenario, seed: seed + i });
    const outcome = run.outcome === 'RUNNING' ? 'timeout' : run.outcome;
    tallies.outcomes[outcome] = (tallies.outcomes[outcome] ?? 0) + 1;
    if (run.outcome !== 'RUNNING') tallies.hours.push(run.durationMs / HOUR);
    if (run.outcome === 'ROLLED_BACK' || run.outcome === 'PAUSED') {
      const cause = `${run.outcome === 'PAUSED' ? 'paused' : 'rolled back'} by ${causeOf(run.final)}`;
      tallies.causes[cause] = (tallies.causes[cause] ?? 0) + 1;
    }
    if ((i + 1) % 50 === 0) process.stderr.write(`  ${i + 1} runs done\n`);
  }
  return tallies;
}

const common = {
  requestsPerSecond: 30,
  tickMs: 30_000,
  labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
  maxDurationMs: 48 * HOUR,
} satisfies Partial<RolloutScenario>;

const EIGHT = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name) => ({ name, share: 1 / 8 }));

/** Scenario id, title and scenario. */
const SCENARIOS: ReadonlyArray<
  [id: string, title: string, scenario: Omit<RolloutScenario, 'seed'>]
> = [
  [
    'mae-worse',
    'numeric, canary MAE 25 % higher (2.5 vs 2.0)',
    {
      ...common,
      stable: { accuracy: 0, meanAbsError: 2 },
      canary: { accuracy: 0, meanAbsError: 2.5 },
    },
  ],
  [
    'mae-equal',
    'numeric, equal MAE (2.0)',
    {
      ...common,
      stable: { accuracy: 0, meanAbsError: 2 },
      canary: { accuracy: 0, meanAbsError: 2 },
    },
  ],
  [
    'mae-better',
    'numeric, canary MAE 25 % lower (1.5 vs 2.0)',
    {
      ...common,
      stable: { accuracy: 0, meanAbsError: 2 },
      canary: { accuracy: 0, meanAbsError: 1.5 },
    },
  ],
  [
    'overconfident',
    'scores, equal accuracy 0.85, canary says 0.99 on every answer, stable calibrated',
    {
      ...common,
      stable: { accuracy: 0.85, confidence: 'calibrated' },
      canary: { accuracy: 0.85, confidence: 0.99 },
    },
  ],
  [
    'calibrated',
    'scores, equal accuracy 0.85, both calibrated',
    {
      ...common,
      stable: { accuracy: 0.85, confidence: 'calibrated' },
      canary: { accuracy: 0.85, confidence: 'calibrated' },
    },
  ],
  [
    'segment-harm',
    'segments, canary +5 points on 85 % of traffic, −20 points on a 15 % segment',
    {
      ...common,
      segments: [
        { name: 'most', share: 0.85 },
        { name: 'winter', share: 0.15 },
      ],
      stable: { accuracy: 0.8 },
      canary: { accuracy: 0.8, segmentAccuracy: { most: 0.85, winter: 0.6 } },
    },
  ],
  [
    'segments-aa',
    'segments, eight equal segments, A/A 0.85',
    { ...common, segments: EIGHT, stable: { accuracy: 0.85 }, canary: { accuracy: 0.85 } },
  ],
];

const HEADER = [
  'scenario',
  'runs',
  'promoted / rolled back / paused / timeout',
  'rolled back (95 % CI)',
  'promoted (95 % CI)',
  'hours to decide, median (p90)',
  'what rolled back or paused',
];

function row(title: string, t: Tallies): string {
  const n = (outcome: string) => t.outcomes[outcome] ?? 0;
  const causes = Object.entries(t.causes)
    .sort(([, a], [, b]) => b - a)
    .map(([cause, k]) => `${cause} ${k}`)
    .join(', ');
  const cells = [
    title,
    String(t.runs),
    `${n('PROMOTED')} / ${n('ROLLED_BACK')} / ${n('PAUSED')} / ${n('timeout')}`,
    rate(n('ROLLED_BACK'), t.runs),
    rate(n('PROMOTED'), t.runs),
    medianP90(t.hours, 1),
    causes === '' ? '–' : causes,
  ];
  return `| ${cells.join(' | ')} |`;
}

const rows: string[] = [];
for (const [index, [id, title, scenario]] of SCENARIOS.entries()) {
  if (only !== undefined && !only.includes(id)) continue;
  const started = Date.now();
  const tallies = measure(scenario, SEED + 1_000_000 * index, runs);
  console.error(`${id}: ${runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  rows.push(row(title, tallies));
}
console.log(`| ${HEADER.join(' | ')} |`);
console.log(`|${HEADER.map(() => '---').join('|')}|`);
for (const line of rows) console.log(line);
