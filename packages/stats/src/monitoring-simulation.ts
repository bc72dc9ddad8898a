// Monte Carlo harness for continuous monitoring: observations arrive in batches, every monitor is
// re-evaluated after every batch, and a monitor "rejects" the first time it returns true in a
// run. The share of runs that ever reject is the false-rejection rate (when the null holds) or
// the power (when it does not). Used by the unit tests and bench/simulate.ts; the rollout policy
// can use it to show its own operating characteristics. Counts per batch are drawn as binomials
// rather than one Bernoulli per observation, so 1,000 runs of 400 looks take well under a second.
// Real-valued outcomes (twoArmMeanScenario) are drawn one by one, since their moments have no
// closed-form joint distribution.
import { createRng, type Rng } from './rng.js';
import { type PairedCounts } from './counters.js';
import {
  type MeanMoments,
  type ProportionCounts,
  type TwoArmCounts,
  type TwoArmMoments,
} from './types.js';

/** How long and how often to look. */
export interface MonitoringPlan {
  /** Independent simulated runs. */
  readonly runs: number;
  /** Observations (requests, pairs, assignments) between two looks. */
  readonly batchSize: number;
  /** Observations per run; the last look happens at the horizon. */
  readonly horizon: number;
  /** Seed of run 0; run i uses an independent stream derived from (seed, i). */
  readonly seed: number;
}

/** A data-generating process: initial counts and how one batch changes them. */
export interface MonitoringScenario<S> {
  initial(): S;
  step(state: S, batchSize: number, rng: Rng): S;
}

/** Returns true when the test rejects (stops) at this look. */
export type Monitor<S> = (state: S) => boolean;

/** Operating characteristics of one monitor over all runs. */
export interface MonitorSummary {
  readonly runs: number;
  /** Runs in which the monitor rejected at some look. */
  readonly rejections: number;
  /** rejections / runs. */
  readonly rejectionRate: number;
  /** Binomial standard error of rejectionRate. */
  readonly standardError: number;
  /** Median observations at the first rejection, over rejecting runs (null if none rejected). */
  readonly medianSamplesToRejection: number | null;
}

/** Runs the scenario `plan.runs` times and evaluates every monitor after every batch. */
export function simulateMonitoring<S, K extends string>(
  plan: MonitoringPlan,
  scenario: MonitoringScenario<S>,
  monitors: Readonly<Record<K, Monitor<S>>>,
): Record<K, MonitorSummary> {
  const names = Object.keys(monitors) as K[];
  const stopTimes = names.map(() => [] as number[]);
  for (let run = 0; run < plan.runs; run += 1) {
    const rng = createRng((plan.seed ^ Math.imul(run + 1, 0x9e3779b1)) >>> 0);
    const stopped = names.map(() => false);
    let remaining = names.length;
    let state = scenario.initial();
    for (let seen = 0; seen < plan.horizon && remaining > 0;) {
      const batch = Math.min(plan.batchSize, plan.horizon - seen);
      state = scenario.step(state, batch, rng);
      seen += batch;
      names.forEach((name, i) => {
        if (!stopped[i] && monitors[name](state)) {
          stopped[i] = true;
          remaining -= 1;
          stopTimes[i]?.push(seen);
        }
      });
    }
  }
  const result = {} as Record<K, MonitorSummary>;
  names.forEach((name, i) => {
    const times = (stopTimes[i] ?? []).sort((a, b) => a - b);
    const rate = times.length / plan.runs;
    result[name] = {
      runs: plan.runs,
      rejections: times.length,
      rejectionRate: rate,
      standardError: Math.sqrt((rate * (1 - rate)) / plan.runs),
      medianSamplesToRejection: times.length > 0 ? median(times) : null,
    };
  });
  return result;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** A single stream of Bernoulli(p) outcomes. */
export function proportionScenario(config: {
  readonly p: number;
}): MonitoringScenario<ProportionCounts> {
  return {
    initial: () => ({ successes: 0, total: 0 }),
    step: (state, batchSize, rng) => ({
      successes: state.successes + rng.binomial(batchSize, config.p),
      total: state.total + batchSize,
    }),
  };
}

/** Two independent arms: each observation goes to the canary with probability `canaryShare`. */
export function twoArmScenario(config: {
  readonly pStable: number;
  readonly pCanary: number;
  readonly canaryShare: number;
}): MonitoringScenario<TwoArmCounts> {
  return {
    initial: () => ({ stable: { successes: 0, total: 0 }, canary: { successes: 0, total: 0 } }),
    step(state, batchSize, rng) {
      const toCanary = rng.binomial(batchSize, config.canaryShare);
      const toStable = batchSize - toCanary;
      return {
        stable: {
          successes: state.stable.successes + rng.binomial(toStable, config.pStable),
          total: state.stable.total + toStable,
        },
        canary: {
          successes: state.canary.successes + rng.binomial(toCanary, config.pCanary),
          total: state.canary.total + toCanary,
        },
      };
    },
  };
}

/** Draws one real-valued observation (a loss, a revenue) from the stream. */
export type ObservationSampler = (rng: Rng) => number;

/**
 * Two independent arms of real-valued observations. The canary share may be a function of the
 * observations seen so far (both arms), for a staged rollout whose split changes on a fixed
 * schedule; it is read at the start of each batch.
 */
export function twoArmMeanScenario(config: {
  readonly stable: ObservationSampler;
  readonly canary: ObservationSampler;
  readonly canaryShare: number | ((seen: number) => number);
}): MonitoringScenario<TwoArmMoments> {
  const { canaryShare } = config;
  const shareAt = typeof canaryShare === 'number' ? (): number => canaryShare : canaryShare;
  return {
    initial: () => ({
      stable: { n: 0, sum: 0, squares: 0 },
      canary: { n: 0, sum: 0, squares: 0 },
    }),
    step(state, batchSize, rng) {
      const toCanary = rng.binomial(batchSize, shareAt(state.stable.n + state.canary.n));
      return {
        stable: addObservations(state.stable, batchSize - toCanary, config.stable, rng),
        canary: addObservations(state.canary, toCanary, config.canary, rng),
      };
    },
  };
}

function addObservations(
  moments: MeanMoments,
  count: number,
  sample: ObservationSampler,
  rng: Rng,
): MeanMoments {
  let { sum, squares } = moments;
  for (let i = 0; i < count; i += 1) {
    const x = sample(rng);
    sum += x;
    squares += x * x;
  }
  return { n: moments.n + count, sum, squares };
}

/** Labelled shadow pairs: P(canary right, stable wrong) = p10, P(canary wrong, stable right) = p01. */
export function pairedScenario(config: {
  readonly p10: number;
  readonly p01: number;
}): MonitoringScenario<PairedCounts> {
  return {
    initial: () => ({ nPairs: 0, n10: 0, n01: 0 }),
    step(state, batchSize, rng) {
      const discordant = rng.binomial(batchSize, config.p10 + config.p01);
      const n10 = rng.binomial(discordant, config.p10 / (config.p10 + config.p01));
      return {
        nPairs: state.nPairs + batchSize,
        n10: state.n10 + n10,
        n01: state.n01 + discordant - n10,
      };
    },
  };
}

/** Assignment of units to arms with the given true probabilities (for sample-ratio mismatch). */
export function splitScenario(config: {
  readonly probabilities: readonly number[];
}): MonitoringScenario<readonly number[]> {
  return {
    initial: () => config.probabilities.map(() => 0),
    step(state, batchSize, rng) {
      // Multinomial as a chain of conditional binomials.
      let left = batchSize;
      let massLeft = 1;
      return state.map((count, i) => {
        const p = config.probabilities[i] ?? 0;
        const drawn =
          i === state.length - 1
            ? left
            : rng.binomial(left, massLeft > 0 ? Math.min(1, p / massLeft) : 0);
        left -= drawn;
        massLeft -= p;
        return count + drawn;
      });
    },
  };
}
