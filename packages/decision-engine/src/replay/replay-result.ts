/**
 * What a replay returns, and `--json` prints: the decisions with their evidence, the final
 * outcome, a summary per variant, the synthesised rollouts, and what the input held. Plain data
 * in a fixed order, so the same input gives byte-identical JSON.
 */
import type {
  Candidate,
  DecisionAction,
  DecisionReport,
  MetricEvidence,
  RolloutState,
} from '@kanary/contracts';
import { evidenceLabel, type Policy } from '@kanary/rollout';
import type { ArmSummary, EngineDiagnostics, RolloutSummary } from '../core/engine-types.js';
import type { ReplayCounts } from './replayer.js';
import type { ReplayFinal, ReplayTrack } from './replay-track.js';

/**
 * One metric's evidence, keyed in {@link ReplayDecision.evidence} by its metric name, or
 * `metric[segment]` for a segment's row.
 */
export type EvidenceEntry = Omit<MetricEvidence, 'metric' | 'segment'>;

/** A decision that issued a command (ADVANCE, PROMOTE, ROLLBACK or PAUSE). */
export interface ReplayDecision {
  /** Epoch ms of data time. */
  readonly at: number;
  readonly model: string;
  readonly rolloutId: string;
  readonly action: DecisionAction;
  /**
   * A/B/n rollouts: the candidate the decision is about (its phase, step, weight and evidence
   * against the stable). Present only in A/B/n rollouts.
   */
  readonly candidate?: string;
  /** The policy's reason code (ALL_PASSED, GUARDRAIL_FAILED, SHADOW_AGREEMENT, …). */
  readonly code: string | null;
  readonly reason: string;
  /** The state judged: phase, step and canary weight before the decision took effect. */
  readonly phase: RolloutState['phase'];
  readonly stepIndex: number;
  readonly canaryWeight: number;
  /** Who approved a step the policy gates (`replay`: approved by the replay itself); else null. */
  readonly approvedBy: string | null;
  readonly evidence: Readonly<Record<string, EvidenceEntry>>;
}

export interface VariantSummary {
  readonly model: string;
  readonly variant: string;
  readonly role: 'stable' | 'canary' | 'shadow';
  /** False for variants the rollout does not compare (a second canary, an earlier stable). */
  readonly compared: boolean;
  /** Predictions of this variant in the file. */
  readonly predictions: number;
  /** Mature labelled predictions the policy compared (stable: over the canary's time only). */
  readonly n: number;
  /** Accuracy with its always-valid interval, at the policy's α. */
  readonly accuracy: {
    readonly estimate: number;
    readonly lower: number;
    readonly upper: number;
  } | null;
  /** ERROR/TIMEOUT share among the `n`. */
  readonly errorRate: number | null;
  /** Mean absolute and root mean squared error of numeric predictions among the `n`. */
  readonly mae: number | null;
  readonly rmse: number | null;
  /** Mean log-loss and Brier score of predictions with class probabilities among the `n`. */
  readonly logLoss: number | null;
  readonly brier: number | null;
  /** Mean of each named outcome of the labels. */
  readonly outcomes: Readonly<Record<string, number | null>>;
  /** Per segment: labelled predictions, accuracy and MAE. */
  readonly segments: ArmSummary['segments'];
  /** Latency quantiles of its labelled predictions, ms. */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  } | null;
}

/** One candidate of an A/B/n rollout: where it ended and the last decision about it. */
export interface ReplayCandidate {
  readonly variant: string;
  /** In the replayed state: LIVE, ROLLED_BACK, PROMOTED or ENDED (another was promoted). */
  readonly status: Candidate['status'];
  /** Its weight and step in the replayed state (0 once it left). */
  readonly weight: number;
  readonly stepIndex: number;
  /** Served predictions since the start, as recorded, and their share of the model's served ones. */
  readonly recorded: { readonly served: number; readonly share: number | null };
  /** The last decision that issued a command about it (ADVANCE, ROLLBACK, PROMOTE), or null. */
  readonly decision: {
    readonly at: number;
    readonly action: DecisionAction;
    readonly stepIndex: number;
    readonly code: string | null;
    readonly reason: string;
  } | null;
}

export interface ReplayRollout {
  readonly model: string;
  /** Null when the data never showed a stable and a canary of this model. */
  readonly rolloutId: string | null;
  readonly stable: string | null;
  readonly canary: string | null;
  readonly mode: 'canary' | 'shadow' | null;
  readonly startedAt: number | null;
  /** Served predictions per compared arm since the start, as recorded (the live router's split). */
  readonly recordedSplit: {
    readonly stable: number;
    readonly canary: number;
    readonly canaryShare: number | null;
  };
  /**
   * A/B/n rollouts (several canary variants of the model, `canary` null): every candidate, in
   * START order. Present only in A/B/n rollouts.
   */
  readonly candidates?: readonly ReplayCandidate[];
  readonly final: ReplayFinal;
}

export interface ReplayInput extends Omit<ReplayCounts, 'issues' | 'unmatched'> {
  /** The first invalid lines with their messages (`invalid` counts them all). */
  readonly issues: readonly { readonly line: number; readonly message: string }[];
  readonly unmatched: { readonly predictions: number; readonly labels: number };
  /** What the engine did not count, by reason. */
  readonly ignored: EngineDiagnostics;
}

export interface ReplayResult {
  readonly decisions: readonly ReplayDecision[];
  /** The single model's outcome; with several models, the worst (ROLLBACK, PAUSE, HOLD, PROMOTE). */
  readonly final: ReplayFinal;
  /** Per variant (keyed `model/variant` when the file holds several models). */
  readonly summary: Readonly<Record<string, VariantSummary>>;
  readonly rollouts: readonly ReplayRollout[];
  readonly input: ReplayInput;
  readonly settings: {
    /** The policy judged, every default filled in. */
    readonly policy: Policy;
    readonly intervalMs: number;
    readonly reorderSlackMs: number;
  };
  /** What a reader must know to interpret the result, in plain words. */
  readonly notes: readonly string[];
}

export interface ReplayParts {
  readonly decisions: readonly DecisionReport[];
  /** In model order. */
  readonly tracks: readonly ReplayTrack[];
  readonly summaries: readonly RolloutSummary[];
  readonly counts: ReplayCounts;
  readonly diagnostics: EngineDiagnostics;
  readonly settings: ReplayResult['settings'];
  /** The last judgement's time, epoch ms. */
  readonly end: number;
}

const SEVERITY: Record<ReplayFinal['action'], number> = {
  ROLLBACK: 3,
  PAUSE: 2,
  HOLD: 1,
  PROMOTE: 0,
};
const lower = (role: string) => role.toLowerCase() as VariantSummary['role'];
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function decisionOf(report: DecisionReport): ReplayDecision {
  let code: string | null = null;
  try {
    const details = JSON.parse(report.details ?? '{}') as { code?: unknown };
    if (typeof details.code === 'string') code = details.code;
  } catch {
    // Reports made by this engine always carry JSON details; keep the decision without a code.
  }
  return {
    at: report.at,
    model: report.model,
    rolloutId: report.rolloutId,
    action: report.action,
    ...(report.candidate === null ? {} : { candidate: report.candidate }),
    code,
    reason: report.reason,
    phase: report.phase,
    stepIndex: report.stepIndex,
    canaryWeight: report.canaryWeight,
    approvedBy: report.approvedBy,
    evidence: Object.fromEntries(
      report.evidence.map(({ metric, segment, ...rest }) => [
        evidenceLabel({ metric, segment }),
        rest,
      ]),
    ),
  };
}

function variantSummary(
  track: ReplayTrack,
  variant: string,
  seen: { role: string; predictions: number },
  arm: ArmSummary | undefined,
): VariantSummary {
  const accuracy =
    arm?.accuracy !== null && arm?.accuracy !== undefined
      ? { estimate: arm.accuracy, lower: arm.accuracyLower ?? 0, upper: arm.accuracyUpper ?? 1 }
      : null;
  return {
    model: track.model,
    variant,
    role: lower(arm?.role ?? seen.role),
    compared: arm !== undefined,
    predictions: seen.predictions,
    n: arm?.labelled ?? 0,
    accuracy,
    errorRate: arm?.errorRate ?? null,
    mae: arm?.mae ?? null,
    rmse: arm?.rmse ?? null,
    logLoss: arm?.logLoss ?? null,
    brier: arm?.brier ?? null,
    outcomes: arm?.outcomes ?? {},
    segments: arm?.segments ?? [],
    latencyMs:
      arm === undefined ? null : { p50: arm.latencyP50, p95: arm.latencyP95, p99: arm.latencyP99 },
  };
}

function candidateOf(track: ReplayTrack, candidate: Candidate): ReplayCandidate {
  const { split } = track;
  const served = split.candidates.get(candidate.variant) ?? 0;
  const total = split.stable + split.canary;
  const report = track.candidateDecisions.get(candidate.variant);
  const decided = report === undefined ? undefined : decisionOf(report);
  return {
    variant: candidate.variant,
    status: candidate.status,
    weight: candidate.weight,
    stepIndex: candidate.stepIndex,
    recorded: { served, share: total > 0 ? served / total : null },
    decision:
      decided === undefined
        ? null
        : {
            at: decided.at,
            action: decided.action,
            stepIndex: decided.stepIndex,
            code: decided.code,
            reason: decided.reason,
          },
  };
}

function rolloutOf(track: ReplayTrack, end: number): ReplayRollout {
  const { stable, canary } = track.split;
  const candidates = track.candidateStates();
  return {
    model: track.model,
    rolloutId: track.state === null ? null : track.rolloutId,
    stable: track.stable,
    canary: track.canary,
    mode: track.state === null ? null : track.shadow ? 'shadow' : 'canary',
    startedAt: track.state?.startedAt ?? null,
    recordedSplit: {
      stable,
      canary,
      canaryShare: stable + canary > 0 && !track.shadow ? canary / (stable + canary) : null,
    },
    ...(candidates.length === 0
      ? {}
      : { candidates: candidates.map((c) => candidateOf(track, c)) }),
    final: track.finalAt(end),
  };
}

function notesOf(parts: ReplayParts, rollouts: readonly ReplayRollout[]): string[] {
  const { counts, settings } = parts;
  const notes: string[] = [];
  for (const r of rollouts) {
    if (r.rolloutId === null) continue;
    const shares = (r.candidates ?? [])
      .map((c) => `${c.variant} ${c.recorded.share === null ? 'none' : percent(c.recorded.share)}`)
      .join(', ');
    const split =
      r.mode === 'shadow'
        ? 'the canary answered shadow copies'
        : r.candidates !== undefined
          ? `the candidates served ${shares} of ${r.model}'s requests`
          : `the canary served ${r.recordedSplit.canaryShare === null ? 'no' : percent(r.recordedSplit.canaryShare)} of ${r.model}'s requests`;
    notes.push(
      `Traffic split as recorded (${split}): replay judges, it cannot move traffic. The replayed decisions change the rollout's step and weight in the replayed state only, so the sample-ratio check is not applicable.`,
    );
  }
  for (const r of rollouts) {
    const k = r.candidates?.length ?? 0;
    if (k === 0) continue;
    notes.push(
      `${r.model}: ${k} candidates judged against the one stable ${r.stable}, each at α / ${k} (the policy's α divided among them), its weight in the replayed state capped at its slice of the traffic (1 / ${k + 1}); one proven worse is rolled back alone, and the best is promoted once every live one is ready.`,
    );
  }
  for (const r of rollouts) {
    if (r.mode !== 'shadow' || r.recordedSplit.canary > 0 || r.final.phase !== 'CANARY') continue;
    notes.push(
      `${r.model}: the replay moved the shadow to canary mode, but the recording has the canary only as shadow copies, so from then on there were no served canary predictions to judge.`,
    );
  }
  if (rollouts.some((r) => r.final.action === 'HOLD' && r.rolloutId !== null)) {
    notes.push(
      `Predictions younger than the label maturity window (${settings.policy.labelMaturityMs / 60_000} min) when the data ended were not judged: their labels had not had the full window.`,
    );
  }
  if (counts.outOfOrder > 0) {
    notes.push(
      `${counts.outOfOrder} events came more than ${settings.reorderSlackMs / 1000} s behind newer ones and were applied at the current clock; sort the file by timestamp or raise the reordering slack.`,
    );
  }
  if (counts.approvalsAssumed > 0) {
    notes.push(
      `The policy requires approvals: the replay gave ${counts.approvalsAssumed} at once, as soon as each was awaited (approvedBy "replay"); live, each step waits for a person or the confirm webhook.`,
    );
  }
  if (counts.clockJumps > 0) {
    notes.push(
      `The clock jumped over ${counts.clockJumps} gap(s) in the data longer than the label maturity plus the longest step.`,
    );
  }
  return notes;
}

export function buildReplayResult(parts: ReplayParts): ReplayResult {
  const { tracks, summaries, counts, end } = parts;
  const rollouts = tracks.map((track) => rolloutOf(track, end));
  const several = tracks.length > 1;
  const summary: Record<string, VariantSummary> = {};
  for (const track of tracks) {
    // A/B/n: one summary per candidate, each with the stable arm; the stable's is the one that
    // compared the most (a candidate that left stops counting).
    const arms = summaries.filter((s) => s.model === track.model).flatMap((s) => s.arms);
    const variants = [...track.variants.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [variant, seen] of variants) {
      const arm = arms
        .filter((a) => a.variant === variant)
        .reduce<ArmSummary | undefined>(
          (best, a) => (best && best.labelled >= a.labelled ? best : a),
          undefined,
        );
      summary[several ? `${track.model}/${variant}` : variant] = variantSummary(
        track,
        variant,
        seen,
        arm,
      );
    }
  }
  let final: ReplayFinal = {
    model: null,
    action: 'HOLD',
    at: end,
    reason: 'not judged: the data holds no predictions',
    phase: null,
    stepIndex: null,
    canaryWeight: null,
  };
  let first = true;
  for (const rollout of rollouts) {
    if (first || SEVERITY[rollout.final.action] > SEVERITY[final.action]) final = rollout.final;
    first = false;
  }
  const { issues, unmatched, ...rest } = counts;
  return {
    decisions: parts.decisions.map(decisionOf),
    final,
    summary,
    rollouts,
    input: {
      ...rest,
      issues: [...issues],
      unmatched: { ...unmatched },
      ignored: parts.diagnostics,
    },
    settings: parts.settings,
    notes: notesOf(parts, rollouts),
  };
}
