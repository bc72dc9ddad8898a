/**
 * The rollout policy as one pure function: (state, observations, clock, policy) → one decision
 * with its evidence. Metric outcomes are data (PASS / FAIL / INCONCLUSIVE / NOT_APPLICABLE,
 * never exceptions) and combine by "worst wins", in this order:
 *
 * 1. a data-quality alarm (sample-ratio mismatch, unequal label coverage) → PAUSE: the arms are
 *    not comparable, so no guardrail is trusted, in either direction;
 * 2. any guardrail FAIL (accuracy proven worse than −harmMargin, error rate or latency proven
 *    over their limits) → ROLLBACK;
 * 3. accuracy, error rate and latency all PASS (or not applicable) and the step has its samples
 *    → ADVANCE to the next step, or PROMOTE after the last; in shadow mode the label-free
 *    agreement bound may also ADVANCE (to the first canary step, never beyond);
 * 4. the step outlived maxStepDurationMs → the policy's onStepTimeout;
 * 5. otherwise HOLD: not enough data yet, its own outcome and not a failure.
 */
import {
  DecisionAction,
  MetricOutcome,
  RolloutPhase,
  type MetricEvidence,
  type RolloutState,
} from '@kanary/contracts';
import { assessAccuracy, assessPairedAccuracy } from './assess-accuracy.js';
import { assessLabelCoverage, assessSampleRatio } from './assess-data-quality.js';
import { assessErrorRate, assessLatency } from './assess-guardrails.js';
import { assessShadowAgreement } from './assess-shadow-agreement.js';
import { assessStepSamples } from './assess-step-samples.js';
import { DecisionCode, type Decision } from './decision.js';
import { percent } from './metric-evidence.js';
import type { RolloutObservations } from './observations.js';
import { StepTimeoutAction, type Policy } from './policy-schema.js';
import { nextStep } from './step-plan.js';

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
  const accuracy = shadow
    ? assessPairedAccuracy(observations.comparison, policy)
    : assessAccuracy(observations.comparison, policy);
  const guardrails = [
    accuracy,
    assessErrorRate(observations.comparison, policy),
    assessLatency(observations, policy),
  ];
  const agreement = shadow ? assessShadowAgreement(observations.agreement, policy) : null;
  const samples = assessStepSamples(observations.window, shadow, policy);
  const quality = [
    assessSampleRatio(phase, state.canaryWeight, observations, policy),
    assessLabelCoverage(observations.window, policy),
  ];
  const evidence = [...guardrails, ...(agreement ? [agreement] : []), samples, ...quality];

  const alarms = quality.filter(is(MetricOutcome.FAIL));
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
  if (guardrails.every(passes) && samples.outcome === MetricOutcome.PASS) {
    return progress(state, policy, DecisionCode.ALL_PASSED, readings(guardrails), evidence);
  }
  if (agreement?.outcome === MetricOutcome.PASS) {
    return progress(state, policy, DecisionCode.SHADOW_AGREEMENT, readings([agreement]), evidence);
  }
  const waiting = [...guardrails, samples].filter(is(MetricOutcome.INCONCLUSIVE));
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
