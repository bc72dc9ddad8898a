// Operating characteristics of the always-valid tests versus repeated fixed-horizon tests.
// Run: node --conditions=source --import tsx packages/stats/bench/simulate.ts [runs]
// Every scenario re-evaluates each test after every batch of observations and counts a run as a
// rejection if the test rejects at any look. Seeded, so the numbers are reproducible.
import {
  disagreementNonInferiority,
  pairedAlwaysValid,
  pairedNaive,
  pairedScenario,
  simulateMonitoring,
  splitScenario,
  srmChiSquareAlarm,
  srmSequentialAlarm,
  twoArmAlwaysValid,
  twoArmHarmDetected,
  twoArmNaive,
  twoArmScenario,
  type DisagreementCounts,
  type MonitorSummary,
} from '@kanary/stats';

const runs = Number(process.argv[2] ?? 2000);
const ALPHA = 0.05;
const seed = 20240601;

const percent = (s: MonitorSummary): string =>
  `${(100 * s.rejectionRate).toFixed(1)} % ± ${(100 * s.standardError).toFixed(1)}`;
const medianN = (s: MonitorSummary): string =>
  s.medianSamplesToRejection === null ? '–' : String(s.medianSamplesToRejection);

function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

function twoArmPlan(canaryShare: number, horizon: number): { stable: number; canary: number } {
  return { stable: horizon * (1 - canaryShare), canary: horizon * canaryShare };
}

// 1. A/A: accuracy 0.85 in both arms.
{
  const rows: string[][] = [];
  for (const canaryShare of [0.01, 0.05, 0.1, 0.25, 0.5]) {
    const horizon = 20_000;
    const result = simulateMonitoring(
      { runs, batchSize: 50, horizon, seed },
      twoArmScenario({ pStable: 0.85, pCanary: 0.85, canaryShare }),
      {
        alwaysValid: twoArmAlwaysValid({ alpha: ALPHA, planN: twoArmPlan(canaryShare, horizon) }),
        naive: twoArmNaive({ alpha: ALPHA }),
      },
    );
    rows.push([
      String(canaryShare),
      String(horizon),
      String(runs),
      percent(result.alwaysValid),
      percent(result.naive),
      medianN(result.naive),
    ]);
  }
  table(
    'A/A false-rejection rate, accuracy 0.85 vs 0.85, look every 50 requests (α = 0.05, burn-in 100 per arm)',
    [
      'canary share',
      'horizon',
      'runs',
      'always-valid CS',
      'naive repeated z-test',
      'naive median n at false rejection',
    ],
    rows,
  );
}

// 2. A/A at small error rates, where normal approximations are most fragile.
{
  const rows: string[][] = [];
  for (const [rate, canaryShare, horizon] of [
    [0.01, 0.05, 100_000],
    [0.001, 0.05, 200_000],
    [0.001, 0.01, 200_000],
  ] as const) {
    const scenarioRuns = Math.min(runs, 1000);
    const result = simulateMonitoring(
      { runs: scenarioRuns, batchSize: 50, horizon, seed },
      twoArmScenario({ pStable: rate, pCanary: rate, canaryShare }),
      {
        alwaysValid: twoArmAlwaysValid({ alpha: ALPHA, planN: twoArmPlan(canaryShare, horizon) }),
        naive: twoArmNaive({ alpha: ALPHA }),
      },
    );
    rows.push([
      String(rate),
      String(canaryShare),
      String(horizon),
      String(scenarioRuns),
      percent(result.alwaysValid),
      percent(result.naive),
    ]);
  }
  table(
    'A/A false-rejection rate at small error rates (α = 0.05, look every 50)',
    ['error rate', 'canary share', 'horizon', 'runs', 'always-valid CS', 'naive repeated z-test'],
    rows,
  );
}

// 3. Power: accuracy drops by 5 points (0.85 → 0.80); detection = upper bound of Δ below 0.
{
  const rows: string[][] = [];
  for (const canaryShare of [0.5, 0.25, 0.1, 0.05]) {
    const planHorizon = 20_000;
    const cells: string[] = [];
    let median = '–';
    for (const horizon of [2_500, 5_000, 10_000, 20_000, 40_000]) {
      const result = simulateMonitoring(
        { runs: Math.min(runs, 1000), batchSize: 50, horizon, seed },
        twoArmScenario({ pStable: 0.85, pCanary: 0.8, canaryShare }),
        {
          harm: twoArmHarmDetected({ alpha: ALPHA, planN: twoArmPlan(canaryShare, planHorizon) }),
        },
      );
      cells.push(`${(100 * result.harm.rejectionRate).toFixed(1)} %`);
      if (horizon === 40_000) median = medianN(result.harm);
    }
    rows.push([String(canaryShare), ...cells, median]);
  }
  table(
    'Power: accuracy 0.85 → 0.80, rollback when the always-valid upper bound < 0 (α = 0.05, tuned for 20,000 requests)',
    [
      'canary share',
      'by 2,500',
      'by 5,000',
      'by 10,000',
      'by 20,000',
      'by 40,000',
      'median requests to detection',
    ],
    rows,
  );
}

// 4. Shadow mode: paired test on labelled pairs.
{
  const horizon = 20_000;
  const aa = simulateMonitoring(
    { runs, batchSize: 50, horizon, seed },
    pairedScenario({ p10: 0.04, p01: 0.04 }),
    {
      alwaysValid: pairedAlwaysValid({ alpha: ALPHA, planN: horizon }),
      naive: pairedNaive({}),
    },
  );
  const power = simulateMonitoring(
    { runs: Math.min(runs, 1000), batchSize: 50, horizon, seed },
    pairedScenario({ p10: 0.03, p01: 0.05 }),
    {
      alwaysValid: pairedAlwaysValid({ alpha: ALPHA, planN: horizon }),
    },
  );
  table(
    'Shadow mode, paired (discordant-pair) test, look every 50 pairs, horizon 20,000 pairs',
    [
      'scenario',
      'always-valid',
      'naive repeated McNemar',
      'always-valid median pairs to rejection',
    ],
    [
      [
        'A/A: P(10) = P(01) = 0.04',
        percent(aa.alwaysValid),
        percent(aa.naive),
        medianN(aa.alwaysValid),
      ],
      [
        'canary 2 points worse: P(10) = 0.03, P(01) = 0.05',
        percent(power.alwaysValid),
        '–',
        medianN(power.alwaysValid),
      ],
    ],
  );
}

// 5. Sample-ratio mismatch, configured 90/10.
{
  const weights = [0.9, 0.1];
  const horizon = 20_000;
  const aa = simulateMonitoring(
    { runs, batchSize: 50, horizon, seed },
    splitScenario({ probabilities: weights }),
    {
      sequential: srmSequentialAlarm(weights, { alpha: ALPHA, planN: horizon }),
      naive: srmChiSquareAlarm(weights, ALPHA),
    },
  );
  const broken = simulateMonitoring(
    { runs: Math.min(runs, 500), batchSize: 500, horizon: 100_000, seed },
    splitScenario({ probabilities: [0.91, 0.09] }),
    {
      sequential: srmSequentialAlarm(weights, { alpha: 0.001, planN: 100_000 }),
    },
  );
  table(
    'Sample-ratio mismatch, configured 90/10',
    [
      'scenario',
      'sequential (Dirichlet-multinomial)',
      'naive repeated χ²',
      'median units to alarm',
    ],
    [
      [
        'A/A, α = 0.05, look every 50, horizon 20,000',
        percent(aa.sequential),
        percent(aa.naive),
        medianN(aa.sequential),
      ],
      [
        'actual 91/9, α = 0.001, look every 500, horizon 100,000',
        percent(broken.sequential),
        '–',
        medianN(broken.sequential),
      ],
    ],
  );
}

// 6. Label-free signal: pairs needed before disagreement proves non-inferiority at a 1-point margin.
{
  const margin = 0.01;
  const rows: string[][] = [];
  for (const disagreementRate of [0.001, 0.003, 0.005]) {
    const scenario = {
      initial: (): DisagreementCounts => ({ nPairs: 0, nDisagree: 0 }),
      step: (
        state: DisagreementCounts,
        batchSize: number,
        rng: { binomial(n: number, p: number): number },
      ): DisagreementCounts => ({
        nPairs: state.nPairs + batchSize,
        nDisagree: state.nDisagree + rng.binomial(batchSize, disagreementRate),
      }),
    };
    const result = simulateMonitoring(
      { runs: Math.min(runs, 300), batchSize: 100, horizon: 50_000, seed },
      scenario,
      {
        proven: (counts) =>
          disagreementNonInferiority(counts, { margin, alpha: ALPHA, planN: 10_000 }).nonInferior,
      },
    );
    rows.push([String(disagreementRate), percent(result.proven), medianN(result.proven)]);
  }
  table(
    'Label-free non-inferiority from disagreement (margin 1 point, α = 0.05, look every 100 pairs)',
    ['true disagreement', 'proven by 50,000 pairs', 'median pairs'],
    rows,
  );
}
