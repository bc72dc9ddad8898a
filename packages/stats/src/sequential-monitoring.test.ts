// Operating characteristics under continuous monitoring, by seeded simulation: every test is
// re-run after every batch of 50 observations up to the horizon, and a run counts as a rejection
// if the test rejects at ANY look. The always-valid tests must keep that rate at or below alpha
// (within 3 binomial standard errors); the repeated fixed-horizon tests must visibly inflate it.
// bench/simulate.ts runs larger versions of these and more scenarios.
import { describe, expect, it } from 'vitest';
import {
  simulateMonitoring,
  pairedScenario,
  proportionScenario,
  splitScenario,
  twoArmScenario,
  type MonitorSummary,
} from './monitoring-simulation.js';
import {
  pairedAlwaysValid,
  pairedNaive,
  proportionMiscoverage,
  srmChiSquareAlarm,
  srmSequentialAlarm,
  twoArmAlwaysValid,
  twoArmHarmDetected,
  twoArmNaive,
} from './reference-monitors.js';

const ALPHA = 0.05;
const RUNS = 1000;
const plan = { runs: RUNS, batchSize: 50, horizon: 20_000, seed: 20240601 };
const ceiling = ALPHA + 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS);

function report(label: string, summaries: Record<string, MonitorSummary>): void {
  const cells = Object.entries(summaries).map(
    ([name, s]) =>
      `${name} ${(100 * s.rejectionRate).toFixed(1)}% (±${(100 * s.standardError).toFixed(1)})${s.medianSamplesToRejection === null ? '' : `, median n ${String(s.medianSamplesToRejection)}`}`,
  );
  console.log(`${label}: ${cells.join(' | ')}`);
}

describe('A/A: false rejections under continuous monitoring (α = 0.05, look every 50, horizon 20,000)', () => {
  it.each([0.1, 0.5])('two proportions, both 0.85, canary share %f', (canaryShare) => {
    const planN = { stable: plan.horizon * (1 - canaryShare), canary: plan.horizon * canaryShare };
    const result = simulateMonitoring(
      plan,
      twoArmScenario({ pStable: 0.85, pCanary: 0.85, canaryShare }),
      {
        alwaysValid: twoArmAlwaysValid({ alpha: ALPHA, planN }),
        naive: twoArmNaive({ alpha: ALPHA }),
      },
    );
    report(`A/A share ${String(canaryShare)}`, result);
    expect(result.alwaysValid.rejectionRate).toBeLessThanOrEqual(ceiling);
    expect(result.naive.rejectionRate).toBeGreaterThan(2 * ALPHA);
  });

  it('paired shadow test, P(10) = P(01) = 0.04', () => {
    const result = simulateMonitoring(plan, pairedScenario({ p10: 0.04, p01: 0.04 }), {
      alwaysValid: pairedAlwaysValid({ alpha: ALPHA, planN: plan.horizon }),
      naive: pairedNaive({}),
    });
    report('A/A paired', result);
    expect(result.alwaysValid.rejectionRate).toBeLessThanOrEqual(ceiling);
    expect(result.naive.rejectionRate).toBeGreaterThan(2 * ALPHA);
  });

  it('sample-ratio mismatch, true split = configured 90/10', () => {
    const weights = [0.9, 0.1];
    const result = simulateMonitoring(plan, splitScenario({ probabilities: weights }), {
      sequential: srmSequentialAlarm(weights, { alpha: ALPHA, planN: plan.horizon }),
      naiveChiSquare: srmChiSquareAlarm(weights, ALPHA),
    });
    report('A/A SRM', result);
    expect(result.sequential.rejectionRate).toBeLessThanOrEqual(ceiling);
    expect(result.naiveChiSquare.rejectionRate).toBeGreaterThan(2 * ALPHA);
  });

  it('single-proportion confidence sequence covers a 2 % rate at every look', () => {
    const result = simulateMonitoring(plan, proportionScenario({ p: 0.02 }), {
      miscoverage: proportionMiscoverage(0.02, { alpha: ALPHA, planN: plan.horizon }),
    });
    report('single proportion p = 0.02', result);
    expect(result.miscoverage.rejectionRate).toBeLessThanOrEqual(ceiling);
  });
});

describe('power: accuracy drops from 0.85 to 0.80 (α = 0.05, look every 50)', () => {
  it.each([
    [0.5, 5_000],
    [0.1, 20_000],
  ])(
    'canary share %f detects the drop (upper bound < 0) by a horizon of %i requests',
    (canaryShare, horizon) => {
      const planN = { stable: horizon * (1 - canaryShare), canary: horizon * canaryShare };
      const result = simulateMonitoring(
        { ...plan, runs: 400, horizon },
        twoArmScenario({ pStable: 0.85, pCanary: 0.8, canaryShare }),
        {
          harmDetected: twoArmHarmDetected({ alpha: ALPHA, planN }),
        },
      );
      report(`power share ${String(canaryShare)} horizon ${String(horizon)}`, result);
      expect(result.harmDetected.rejectionRate).toBeGreaterThanOrEqual(0.8);
    },
  );

  it('an SRM of 9 % instead of 10 % is caught by the sequential test', () => {
    const result = simulateMonitoring(
      { ...plan, runs: 200, horizon: 100_000, batchSize: 500 },
      splitScenario({ probabilities: [0.91, 0.09] }),
      {
        sequential: srmSequentialAlarm([0.9, 0.1], { alpha: 0.001, planN: 100_000 }),
      },
    );
    report('SRM 9 % vs 10 %', result);
    expect(result.sequential.rejectionRate).toBeGreaterThanOrEqual(0.8);
  });
});
