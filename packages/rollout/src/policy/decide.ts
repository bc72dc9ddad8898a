/**
 * The rollout policy as one pure function: (state, observations, clock, policy) → one decision
 * with its evidence. Metric outcomes are data (PASS / FAIL / INCONCLUSIVE / NOT_APPLICABLE,
 * never exceptions) and combine by "worst wins", in this order:
 *
 * 1. a data-quality alarm (sample-ratio mismatch, unequal label coverage) → PAUSE: the arms are
 *    not comparable, so no guardrail is trusted, in either direction;
 * 2. any guardrail FAIL (the primary metric proven worse than its harm margin, a quality
 *    guardrail — log-loss, an outcome — or the primary metric within a segment proven worse than
 *    its margin, error rate or latency proven over their limits) → ROLLBACK;
 * 3. the primary metric, error rate and latency all PASS (or not applicable), no quality
 *    guardrail or segment FAILs, and the step has its samples → ADVANCE to the next step, or
 *    PROMOTE after the last; in shadow mode the label-free agreement bound may also ADVANCE (to
 *    the first canary step, never beyond);
 * 4. the step outlived maxStepDurationMs → the policy's onStepTimeout;
 * 5. otherwise HOLD: not enough data yet, its own outcome and not a failure.
 *
 * Which metrics are judged, and at which error level, is the rollout's scorecard (scorecard.ts).
 */
import {
  DecisionAction,
  MetricOutcome,
  RolloutPhase,
  type MetricEvidence,
  type RolloutState,
} from '@kanary/contracts';
import { assessAccuracy, assessPairedAccuracy, type AccuracyTest } from './assess-accuracy.js';
import { assessMean } from './assess-mean.js';
import { assessLabelCoverage, assessSampleRatio } from './assess-data-quality.js';
import { assessErrorRate, assessLatency } from './assess-guardrails.js';
import { assessShadowAgreement } from './assess-shadow-agreement.js';
import { assessStepSamples } from './assess-step-samples.js';
import { DecisionCode, type Decision } from './decision.js';
import { metricEvidence, percent } from './metric-evidence.js';
import type { RolloutObservations, SegmentCounts, WindowCounts } from './observations.js';
import { StepTimeoutAction, type Policy } from './policy-schema.js';
import { nextStep } from './step-plan.js';
import {
  dataShape,
  isProportion,
  resolveScorecard,
  type MetricSpec,
  type ResolvedScorecard,
} from './scorecard.js';
import { twoArmPlan } from './test-plan.js';

const is = (outcome: MetricOutcome) => (evidence: MetricEvidence) => evidence.outcome === outcome;
const passes = (evidence: MetricEvidence): boolean =>
  evidence.outcome === MetricOutcome.PASS || evidence.outcome === MetricOutcome.NOT_APPLICABLE;
const readings = (evidence: readonly MetricEvidence[]): string =>
  evidence.map((e) => `${e.metric}: ${e.detail}`).join('; ');

/**
 * Judges a live rollout (phase SHADOW or CANARY) at `now` (epoch ms). A paused or finished
 * rollout is not judged: HOLD with code NOT_LIVE and no evidence.
 */
export function decide(
  state: RolloutState,
  observations: RolloutObservations,
  now: number,
  policy: Policy,
): Decision {
  const phase = state.phase;
  if (phase !== RolloutPhase.SHADOW && phase !== RolloutPhase.CANARY) {
    return hold(DecisionCode.NOT_LIVE, `rollout is ${phase}; nothing to judge`, []);
  }
  const shadow = phase === RolloutPhase.SHADOW;
  const card = resolveScorecard(policy, dataShape(observations));
  const primary = assessPrimary(card.primary, observations.comparison, shadow, policy);
  const quality = card.guardrails.map((spec) =>
    assessQuality(spec, observations.comparison, policy),
  );
  const segments = assessSegments(card, observations.comparison, policy);
  const required = [
    primary,
    assessErrorRate(observations.comparison, policy),
    assessLatency(observations, policy),
  ];
  const guardrails = [...required, ...quality, ...segments];
  const agreement = shadow ? assessShadowAgreement(observations.agreement, policy) : null;
  const samples = assessStepSamples(observations.window, shadow, policy);
  const dataQuality = [
    assessSampleRatio(phase, state.canaryWeight, observations, policy),
    assessLabelCoverage(observations.window, policy),
  ];
  const evidence = [
    ...required,
    ...quality,
    ...(agreement ? [agreement] : []),
    samples,
    ...dataQuality,
    ...segments,
  ];

  const alarms = dataQuality.filter(is(MetricOutcome.FAIL));
  if (alarms.length > 0) {
    return decision(
      DecisionAction.PAUSE,
      DecisionCode.DATA_QUALITY,
      `Pause: the arms are not comparable — ${readings(alarms)}`,
      evidence,
    );
  }
  const failed = guardrails.filter(is(MetricOutcome.FAIL));
  if (failed.length > 0) {
    return decision(
      DecisionAction.ROLLBACK,
      DecisionCode.GUARDRAIL_FAILED,
      `Roll back: ${readings(failed)}`,
      evidence,
    );
  }
  if (required.every(passes) && samples.outcome === MetricOutcome.PASS) {
    return progress(state, policy, DecisionCode.ALL_PASSED, readings(required), evidence);
  }
  if (agreement?.outcome === MetricOutcome.PASS) {
    return progress(state, policy, DecisionCode.SHADOW_AGREEMENT, readings([agreement]), evidence);
  }
  const waiting = [...required, samples].filter(is(MetricOutcome.INCONCLUSIVE));
  const elapsed = now - observations.windowStartedAt;
  if (elapsed >= policy.maxStepDurationMs) {
    return onTimeout(state, policy, elapsed, readings(waiting), evidence);
  }
  return hold(DecisionCode.NOT_ENOUGH_DATA, `Hold, need more data: ${readings(waiting)}`, evidence);
}

function decision(
  action: DecisionAction,
  code: DecisionCode,
  reason: string,
  evidence: readonly MetricEvidence[],
  target: Decision['target'] = null,
): Decision {
  return { action, code, reason, evidence, target };
}

function hold(code: DecisionCode, reason: string, evidence: readonly MetricEvidence[]): Decision {
  return decision(DecisionAction.HOLD, code, reason, evidence);
}

/** ADVANCE to the next step or PROMOTE after the last. */
function progress(
  state: RolloutState,
  policy: Policy,
  code: DecisionCode,
  because: string,
  evidence: readonly MetricEvidence[],
): Decision {
  const target = nextStep(policy, state);
  if (target.kind === 'PROMOTE') {
    return decision(DecisionAction.PROMOTE, code, `Promote: ${because}`, evidence);
  }
  const { stepIndex, canaryWeight } = target;
  return decision(
    DecisionAction.ADVANCE,
    code,
    `Advance to step ${stepIndex} (${percent(canaryWeight)}): ${because}`,
    evidence,
    { stepIndex, canaryWeight },
  );
}

function onTimeout(
  state: RolloutState,
  policy: Policy,
  elapsedMs: number,
  waiting: string,
  evidence: readonly MetricEvidence[],
): Decision {
  const hours = (elapsedMs / 3_600_000).toFixed(1);
  const limit = (policy.maxStepDurationMs / 3_600_000).toFixed(1);
  const why = `step running for ${hours} h (limit ${limit} h) without a decision — ${waiting}`;
  switch (policy.onStepTimeout) {
    case StepTimeoutAction.PAUSE:
      return decision(DecisionAction.PAUSE, DecisionCode.STEP_TIMEOUT, `Pause: ${why}`, evidence);
    case StepTimeoutAction.ROLLBACK:
      return decision(
        DecisionAction.ROLLBACK,
        DecisionCode.STEP_TIMEOUT,
        `Roll back: ${why}`,
        evidence,
      );
    case StepTimeoutAction.ADVANCE:
      return progress(
        state,
        policy,
        DecisionCode.STEP_TIMEOUT,
        `${why}; the policy advances on timeout`,
        evidence,
      );
    case StepTimeoutAction.HOLD:
      return hold(DecisionCode.STEP_TIMEOUT, `Hold: ${why}`, evidence);
  }
}

/** The primary metric over the whole comparison. */
function assessPrimary(
  spec: MetricSpec,
  comparison: WindowCounts,
  shadow: boolean,
  policy: Policy,
): MetricEvidence {
  if (isProportion(spec.metric)) {
    const test: AccuracyTest = {
      margin: spec.margin,
      harmMargin: spec.harmMargin,
      alpha: policy.alpha,
      harmAlpha: spec.harmAlpha,
      segment: null,
    };
    return shadow
      ? assessPairedAccuracy(comparison, policy, test)
      : assessAccuracy(comparison, policy, test);
  }
  // Shadow copies answer the same requests as the stable: comparing the two as independent
  // samples overstates the variance of the difference (positively correlated losses), which
  // keeps the test valid, only slower than a paired one.
  return assessMean(spec, comparison, {
    role: 'primary',
    alpha: policy.alpha,
    planN: twoArmPlan(policy),
  });
}

/** A quality guardrail: FAIL when proven worse than its margin; PASS when harm is excluded. */
function assessQuality(
  spec: MetricSpec,
  arms: Pick<WindowCounts, 'stable' | 'canary'> | { stable: SegmentCounts; canary: SegmentCounts },
  policy: Policy,
  segment: string | null = null,
  planScale = 1,
): MetricEvidence {
  if (isProportion(spec.metric)) {
    const test: AccuracyTest = {
      margin: spec.harmMargin,
      harmMargin: spec.harmMargin,
      alpha: spec.harmAlpha,
      harmAlpha: spec.harmAlpha,
      segment,
    };
    return assessAccuracy(arms, policy, test, planScale);
  }
  return assessMean(spec, arms, {
    role: 'guardrail',
    alpha: spec.harmAlpha,
    planN: twoArmPlan(policy, planScale),
    segment,
  });
}

/** Segments are smaller than the whole: their tests are tuned for a quarter of its samples. */
const SEGMENT_PLAN_SCALE = 0.25;

const EMPTY_SEGMENT: SegmentCounts = Object.freeze({
  labelled: 0,
  correct: 0,
  errors: 0,
  means: Object.freeze({}),
});

/** One row per guarded segment and metric: judged once both arms have `minSamples`. */
function assessSegments(
  card: ResolvedScorecard,
  comparison: WindowCounts,
  policy: Policy,
): MetricEvidence[] {
  const guard = card.segments;
  if (guard === null) return [];
  const { minSamples } = policy.segments;
  const rows: MetricEvidence[] = [];
  for (const segment of guard.segments) {
    const arms = {
      stable: comparison.stable.segments?.[segment] ?? EMPTY_SEGMENT,
      canary: comparison.canary.segments?.[segment] ?? EMPTY_SEGMENT,
    };
    const n = { stable: arms.stable.labelled, canary: arms.canary.labelled };
    for (const spec of guard.metrics) {
      if (Math.min(n.stable, n.canary) < minSamples) {
        rows.push(
          metricEvidence(
            spec.metric,
            MetricOutcome.INCONCLUSIVE,
            n,
            { threshold: minSamples },
            `segment ${segment}: ${n.canary} canary and ${n.stable} stable labelled samples of the ${minSamples} per arm a segment needs`,
            segment,
          ),
        );
        continue;
      }
      rows.push(assessQuality(spec, arms, policy, segment, SEGMENT_PLAN_SCALE));
    }
  }
  return rows;
}
