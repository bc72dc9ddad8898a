/**
 * A/B/n rollouts: several candidates, each judged against the one stable arm, each with its own
 * weight and policy step. A rollout has candidates when its START named two or more
 * (`command.candidates`); it then has no `canary`, and every command about one candidate names
 * it in `canary`.
 *
 * Assignment slices (sticky per arm): with k candidates the bucket space [0, 10,000) is cut into
 * k + 1 slices of ⌊10,000 / (k + 1)⌋ buckets; candidate i (START order) serves the first
 * round(weight × 10,000) buckets of slice i, the stable everything else. A candidate's weight
 * therefore moves only keys of its own slice, between it and the stable: raising or lowering one
 * candidate never moves a key between the other arms, and a rolled-back candidate's keys return
 * to the stable while the others keep theirs. The last slice (and each candidate's unused rest)
 * is the stable's, so the stable always serves at least as much as any candidate: a candidate's
 * weight is capped at ⌊10,000 / (k + 1)⌋ / 10,000 (33.33 % with two candidates, 25 % with three).
 */
import { CandidateStatus, IssuedBy, RolloutPhase, type Candidate } from '@kanary/contracts';
import { BUCKET_COUNT, canaryBucketLimit } from '../assignment/bucket.js';
import { RejectionCode, type Rejection } from './rejection.js';
import type { RolloutCommand } from './rollout-command.js';
import type { RolloutState } from './rollout-state.js';

export { CandidateStatus, type Candidate };

/** Buckets per slice of an A/B/n rollout with `count` candidates. */
export function candidateSliceSize(count: number): number {
  return Math.floor(BUCKET_COUNT / (count + 1));
}

/** The largest weight a candidate of a rollout with `count` candidates can have. */
export function maxCandidateWeight(count: number): number {
  return candidateSliceSize(count) / BUCKET_COUNT;
}

/** Whether the state (or command) is an A/B/n rollout. */
export function hasCandidates(value: { readonly candidates: readonly unknown[] }): boolean {
  return value.candidates.length > 0;
}

/** The candidates still serving traffic, in START order. */
export function liveCandidates(state: Pick<RolloutState, 'candidates'>): Candidate[] {
  return state.candidates.filter((c) => c.status === CandidateStatus.LIVE);
}

/**
 * The candidate that serves a bucket, or null for the stable: slice i = ⌊bucket / slice size⌋,
 * served by candidate i when it is LIVE and the bucket's offset in its slice is below
 * round(weight × 10,000).
 */
export function candidateOfBucket(
  candidates: readonly Candidate[],
  bucket: number,
): Candidate | null {
  const size = candidateSliceSize(candidates.length);
  const slice = Math.floor(bucket / size);
  const candidate = candidates[slice];
  if (candidate === undefined || candidate.status !== CandidateStatus.LIVE) return null;
  return bucket - slice * size < canaryBucketLimit(candidate.weight) ? candidate : null;
}

/** The share of all traffic the stable serves: 1 − the LIVE candidates' weights. */
export function stableShare(state: Pick<RolloutState, 'candidates' | 'canaryWeight'>): number {
  if (!hasCandidates(state)) return 1 - state.canaryWeight;
  return 1 - liveCandidates(state).reduce((sum, c) => sum + c.weight, 0);
}

/**
 * Rollout-level summary fields of a candidate list (see the state's field docs); `fallbackStepStart`
 * when no candidate is live (a START passes its own time).
 */
export function summaryFields(
  candidates: readonly Candidate[],
  fallbackStepStart: number,
): Pick<RolloutState, 'canaryWeight' | 'stepIndex' | 'stepStartedAt'> {
  const live = candidates.filter((c) => c.status === CandidateStatus.LIVE);
  return {
    canaryWeight: live.reduce((sum, c) => sum + c.weight, 0),
    stepIndex: Math.max(0, ...candidates.map((c) => c.stepIndex)),
    stepStartedAt: Math.max(fallbackStepStart, ...live.map((c) => c.stepStartedAt)),
  };
}

/** The candidates a START begins: each LIVE at the command's weight and step. */
export function startCandidates(command: RolloutCommand, now: number): Candidate[] {
  return command.candidates.map((variant) => ({
    variant,
    status: CandidateStatus.LIVE,
    weight: command.canaryWeight ?? 0,
    stepIndex: command.stepIndex ?? 0,
    stepStartedAt: now,
    changedAt: now,
  }));
}

/** Checks a command about one candidate names a LIVE one (A/B/n rollouts only). */
export function candidateRejection(
  state: RolloutState,
  command: RolloutCommand,
  needsCandidate: boolean,
): Rejection | undefined {
  const named = command.canary;
  if (named === null) {
    if (!needsCandidate) return undefined;
    return {
      code: RejectionCode.CANDIDATE_REQUIRED,
      message: `rollout "${state.rolloutId}" has candidates ${state.candidates.map((c) => c.variant).join(', ')}: ${command.action} must name one in canary`,
    };
  }
  const candidate = state.candidates.find((c) => c.variant === named);
  if (candidate === undefined) {
    return {
      code: RejectionCode.VARIANT_MISMATCH,
      message: `command names canary "${named}" but rollout "${state.rolloutId}" has candidates ${state.candidates.map((c) => c.variant).join(', ')}`,
    };
  }
  if (candidate.status !== CandidateStatus.LIVE) {
    return {
      code: RejectionCode.CANDIDATE_ENDED,
      message: `candidate "${named}" of rollout "${state.rolloutId}" is ${candidate.status}`,
    };
  }
  return undefined;
}

type Fields = Omit<RolloutState, 'seq' | 'updatedAt' | 'recentCommandIds' | 'lastCommand'>;

/** SET_WEIGHT of one candidate (the same rules as a rollout's canary weight, plus its slice). */
export function setCandidateWeight(
  state: RolloutState,
  command: RolloutCommand,
  phase: RolloutPhase,
  now: number,
): Fields | Rejection {
  const candidate = state.candidates.find((c) => c.variant === command.canary);
  if (candidate === undefined) {
    return { code: RejectionCode.CANDIDATE_REQUIRED, message: 'SET_WEIGHT must name a candidate' };
  }
  const next = command.canaryWeight ?? candidate.weight;
  if (next === candidate.weight) {
    return {
      code: RejectionCode.WEIGHT_UNCHANGED,
      message: `candidate "${candidate.variant}" already runs at weight ${next}`,
    };
  }
  if (next < candidate.weight && command.issuedBy === IssuedBy.DECISION) {
    return {
      code: RejectionCode.WEIGHT_DECREASE_NOT_ALLOWED,
      message: `the decision service may only raise a candidate's weight (${candidate.weight} → ${next}); lowering it is an operator action`,
    };
  }
  const cap = maxCandidateWeight(state.candidates.length);
  if (next > cap) {
    return {
      code: RejectionCode.WEIGHT_ABOVE_SLICE,
      message: `candidate "${candidate.variant}" can serve at most ${cap} of the traffic (its slice of ${state.candidates.length} candidates + the stable); ${next} asked`,
    };
  }
  const stepIndex = command.stepIndex ?? candidate.stepIndex;
  const newStep = stepIndex !== candidate.stepIndex;
  const candidates = state.candidates.map((c) =>
    c === candidate
      ? {
          ...c,
          weight: next,
          stepIndex,
          stepStartedAt: newStep ? now : c.stepStartedAt,
          changedAt: now,
        }
      : c,
  );
  const summary = summaryFields(candidates, state.startedAt);
  return {
    ...state,
    phase,
    candidates,
    ...summary,
    approval: summary.stepIndex !== state.stepIndex ? null : state.approval,
  };
}

/** PROMOTE of one candidate: it becomes the stable; the other LIVE ones end. */
export function promoteCandidate(
  state: RolloutState,
  command: RolloutCommand,
  now: number,
): Fields {
  const candidates = state.candidates.map((c) => {
    if (c.status !== CandidateStatus.LIVE) return c;
    const status = c.variant === command.canary ? CandidateStatus.PROMOTED : CandidateStatus.ENDED;
    return { ...c, status, weight: 0, changedAt: now };
  });
  return {
    ...state,
    phase: RolloutPhase.PROMOTED,
    pausedFrom: null,
    stable: command.canary ?? state.stable,
    canary: null,
    shadows: [],
    canaryWeight: 0,
    candidates,
  };
}

/**
 * ROLLBACK naming a candidate rolls back that candidate alone (its keys return to the stable)
 * while others stay LIVE; once none is LIVE, or when the command names none, the rollout is
 * ROLLED_BACK.
 */
export function rollbackCandidates(
  state: RolloutState,
  command: RolloutCommand,
  now: number,
): Fields {
  const candidates = state.candidates.map((c) =>
    c.status === CandidateStatus.LIVE && (command.canary === null || c.variant === command.canary)
      ? { ...c, status: CandidateStatus.ROLLED_BACK, weight: 0, changedAt: now }
      : c,
  );
  if (liveCandidates({ candidates }).length > 0) {
    const summary = summaryFields(candidates, state.startedAt);
    return { ...state, candidates, canaryWeight: summary.canaryWeight };
  }
  return {
    ...state,
    phase: RolloutPhase.ROLLED_BACK,
    pausedFrom: null,
    shadows: [],
    canaryWeight: 0,
    candidates,
  };
}

/**
 * One candidate's view of an A/B/n rollout: the rollout as if it had that candidate as its only
 * canary (its weight, step and step start; terminal once the candidate is), which is what the
 * two-arm policy judges. The state's seq, ids and policy are the rollout's. An approval is given
 * for the rollout's furthest step (APPROVE records `state.stepIndex`) and lets every candidate end
 * its current step until the furthest candidate enters a new one (which clears it): the view
 * carries it as an approval of the candidate's own step then, and none otherwise.
 */
export function candidateView(state: RolloutState, candidate: Candidate): RolloutState {
  const live = candidate.status === CandidateStatus.LIVE;
  const ended =
    candidate.status === CandidateStatus.PROMOTED
      ? RolloutPhase.PROMOTED
      : RolloutPhase.ROLLED_BACK;
  return {
    ...state,
    phase: live ? state.phase : ended,
    pausedFrom: live ? state.pausedFrom : null,
    canary: candidate.variant,
    canaryWeight: candidate.weight,
    stepIndex: candidate.stepIndex,
    stepStartedAt: candidate.stepStartedAt,
    shadows: live ? state.shadows : [],
    candidates: [],
    approval:
      state.approval !== null && state.approval.stepIndex === state.stepIndex
        ? { ...state.approval, stepIndex: candidate.stepIndex }
        : null,
  };
}

/** `a (LIVE), b (ROLLED_BACK)`: a rollout's candidates with their status, for messages. */
export function candidateList(state: Pick<RolloutState, 'candidates'>): string {
  return state.candidates.map((c) => `${c.variant} (${c.status})`).join(', ');
}

/** The state a command is built on, or why there is none. */
export type CommandTarget =
  | { readonly ok: true; readonly state: RolloutState }
  | { readonly ok: false; readonly message: string };

/**
 * The state an operator's command is built on with `commandOnState`: the rollout itself, or, when
 * `candidate` names one of an A/B/n rollout's candidates, that candidate's view (so the command
 * names it in `canary`). Refused, with a message naming the candidates: a PROMOTE or SET_WEIGHT
 * of an A/B/n rollout that names none, and a candidate the rollout does not have (for a rollout
 * with one canary, any variant but its canary). The state machine still judges the command (an
 * ended candidate, a stale seq).
 */
export function commandTarget(
  state: RolloutState,
  action: RolloutCommand['action'],
  candidate: string | null,
): CommandTarget {
  if (!hasCandidates(state)) {
    if (candidate === null || candidate === state.canary) return { ok: true, state };
    const has = state.canary === null ? 'has no canary' : `has canary "${state.canary}"`;
    return {
      ok: false,
      message: `rollout "${state.rolloutId}" ${has}, not "${candidate}"`,
    };
  }
  if (candidate === null) {
    const needs = action === 'PROMOTE' || action === 'SET_WEIGHT';
    return needs
      ? {
          ok: false,
          message: `rollout "${state.rolloutId}" has candidates ${candidateList(state)}: ${action} must name one`,
        }
      : { ok: true, state };
  }
  const named = state.candidates.find((c) => c.variant === candidate);
  return named === undefined
    ? {
        ok: false,
        message: `rollout "${state.rolloutId}" has no candidate "${candidate}"; its candidates: ${candidateList(state)}`,
      }
    : { ok: true, state: candidateView(state, named) };
}
