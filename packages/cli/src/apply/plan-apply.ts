import type { RolloutState } from '@kanary/contracts';
import { CandidateStatus, hasCandidates, isTerminalPhase } from '@kanary/rollout';
import type { RolloutSpec } from './rollout-spec.js';
import { sameSpec, specOfState } from './spec-document.js';

/**
 * What applying a spec to a model's live state takes:
 *
 * - `unchanged`: the live state already is (or was) what the spec asks for — nothing is sent;
 * - `start`: a START of the spec's rollout, after a ROLLBACK of the live rollout `replacing`
 *   (only with `force`);
 * - `finish`: a spec without a canary or candidates ends the live rollout with `action` (only
 *   with `force`); `candidate` names the candidate an A/B/n rollout promotes;
 * - `refused`: not without `force` (`forceable`), or not possible at all.
 */
export type ApplyPlan =
  | { readonly kind: 'unchanged'; readonly note: string }
  | { readonly kind: 'start'; readonly note: string; readonly replacing: RolloutState | null }
  | {
      readonly kind: 'finish';
      readonly note: string;
      readonly action: 'ROLLBACK' | 'PROMOTE';
      readonly candidate: string | null;
      readonly state: RolloutState;
    }
  | { readonly kind: 'refused'; readonly reason: string; readonly forceable: boolean };

const pct = (w: number) => `${Math.round(w * 10_000) / 100}%`;

/** `canary v2`, or `candidates a at 5%, b ROLLED_BACK` for an A/B/n rollout. */
function variantsOf(state: RolloutState): string {
  if (!hasCandidates(state)) return `canary ${state.canary ?? '–'}`;
  const each = state.candidates.map((c) =>
    c.status === CandidateStatus.LIVE
      ? `${c.variant} at ${pct(c.weight)}`
      : `${c.variant} ${c.status}`,
  );
  return `candidates ${each.join(', ')}`;
}

function live(state: RolloutState): string {
  const at =
    state.phase === 'CANARY' && !hasCandidates(state) ? ` at ${pct(state.canaryWeight)}` : '';
  return `rollout ${state.rolloutId} (${state.phase}${at}, ${variantsOf(state)})`;
}

/** Whether the spec asks for a rollout: it names a canary or candidates. */
const rollsOut = (spec: RolloutSpec): boolean => spec.canary !== null || spec.candidates.length > 0;

/** The same variants regardless of order. */
const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

const refused = (reason: string, forceable = false): ApplyPlan => ({
  kind: 'refused',
  reason,
  forceable,
});

/**
 * How a spec without a canary or candidates ends a live rollout: serving its stable (ROLLBACK,
 * all candidates at once), its canary or one of its LIVE candidates (PROMOTE of it).
 */
function endingServing(
  variant: string,
  state: RolloutState,
):
  | { readonly action: 'ROLLBACK' | 'PROMOTE'; readonly candidate: string | null }
  | { readonly reason: string } {
  if (variant === state.stable) return { action: 'ROLLBACK', candidate: null };
  if (!hasCandidates(state)) {
    return variant === state.canary
      ? { action: 'PROMOTE', candidate: null }
      : {
          reason: `${live(state)} compares ${state.stable} with ${state.canary ?? '–'}; a spec without a canary can only end it serving one of them`,
        };
  }
  const candidate = state.candidates.find((c) => c.variant === variant);
  if (candidate === undefined) {
    return {
      reason: `${live(state)} compares ${state.stable} with its candidates; a spec without a canary or candidates can only end it serving the stable or a live candidate`,
    };
  }
  return candidate.status === CandidateStatus.LIVE
    ? { action: 'PROMOTE', candidate: variant }
    : {
        reason: `${live(state)}: candidate ${variant} is ${candidate.status} and can no longer be promoted`,
      };
}

/** A live rollout stays as it is only if the spec asks for exactly it. */
function planOnLive(spec: RolloutSpec, state: RolloutState, force: boolean): ApplyPlan {
  const pinnedElsewhere = spec.rolloutId !== null && spec.rolloutId !== state.rolloutId;
  if (!pinnedElsewhere && sameSpec(spec, specOfState(state))) {
    return { kind: 'unchanged', note: `${live(state)} is as specified` };
  }
  if (spec.rolloutId === state.rolloutId) {
    return refused(
      `rolloutId ${state.rolloutId} names the live rollout, which runs other settings; a changed rollout needs a new rolloutId (or none)`,
    );
  }
  if (!rollsOut(spec)) {
    const ending = endingServing(spec.stable, state);
    if ('reason' in ending) return refused(ending.reason);
    const { action, candidate } = ending;
    const what = candidate === null ? action : `${action} of ${candidate}`;
    const note = `would end the live ${live(state)} with ${what}`;
    return force
      ? { kind: 'finish', action, candidate, state, note }
      : refused(`${note}; run with --force to do so`, true);
  }
  if (spec.stable !== state.stable) {
    return refused(
      `${live(state)} keeps ${state.stable} as its stable; a rollout replacing it must name that stable`,
    );
  }
  const note = `would restart the live ${live(state)}: rolled back, then started as specified`;
  return force
    ? { kind: 'start', note, replacing: state }
    : refused(`${note}; run with --force to do so`, true);
}

/**
 * Whether a promoted rollout ran the spec: its canary was promoted, or (A/B/n) it had the
 * spec's candidates, one of which was promoted. The former stable and policy are not compared.
 */
function promotedBy(spec: RolloutSpec, state: RolloutState): boolean {
  const candidates = state.candidates.map((c) => c.variant);
  return hasCandidates(state) ? sameSet(spec.candidates, candidates) : spec.canary === state.stable;
}

/** A finished rollout is never restarted by the spec that ran it, only by a changed one. */
function planOnFinished(spec: RolloutSpec, state: RolloutState, force: boolean): ApplyPlan {
  const finished = `rollout ${state.rolloutId} ended ${state.phase}`;
  if (!rollsOut(spec)) {
    return spec.stable === state.stable
      ? { kind: 'unchanged', note: `${state.model} serves ${state.stable} (${finished})` }
      : refused(
          `${state.model} serves ${state.stable} (${finished}); only a rollout changes that: name a canary or candidates`,
        );
  }
  const pinnedElsewhere = spec.rolloutId !== null && spec.rolloutId !== state.rolloutId;
  const ranThisSpec =
    !pinnedElsewhere &&
    (state.phase === 'PROMOTED'
      ? promotedBy(spec, state)
      : sameSpec({ ...spec, shadows: [] }, { ...specOfState(state), shadows: [] }));
  if (ranThisSpec && state.phase === 'PROMOTED') {
    return { kind: 'unchanged', note: `${state.stable} was promoted (${finished})` };
  }
  if (ranThisSpec && !force) {
    return {
      kind: 'unchanged',
      note: `${finished}; it is not retried unless the spec changes or --force is given`,
    };
  }
  if (spec.rolloutId === state.rolloutId) {
    return refused(`${finished}; a new rollout needs a new rolloutId (or none)`);
  }
  if (spec.stable !== state.stable) {
    return refused(
      `${state.model} serves ${state.stable} (${finished}); the next rollout starts from it: set stable to ${state.stable}`,
    );
  }
  return {
    kind: 'start',
    note: ranThisSpec
      ? `${finished}; started again (--force)`
      : `${finished}; starts a new rollout`,
    replacing: null,
  };
}

/**
 * Plans `kanary apply` of one spec against the model's state on `rollout.state` (undefined: the
 * model never had a rollout). Pure: the shell sends the commands the plan names. A START must
 * keep the variant the model serves and needs a new rolloutId (the state machine's rules), so
 * changing anything of a live rollout means ending it first — refused unless `force`.
 *
 * A/B/n: a spec naming `candidates` is a rollout like one naming a canary, by the same rules.
 * Its candidates are compared as a set (their order aside) with those the live rollout started
 * with, whatever became of each, so a rollout that rolled back some candidates still runs its
 * spec; other candidates, a canary instead of candidates or the reverse, restart it (`force`).
 * A spec without canary or candidates ends a live A/B/n rollout (`force`) serving its stable
 * (ROLLBACK of all candidates) or a LIVE candidate (PROMOTE of it; a candidate already rolled
 * back or ended cannot be). After a promotion, the spec that ran (the same candidates) and a
 * spec whose stable is the promoted candidate are unchanged; after a rollback, the spec that
 * ran is unchanged unless forced, as with one canary.
 */
export function planApply(
  spec: RolloutSpec,
  state: RolloutState | undefined,
  { force = false }: { force?: boolean } = {},
): ApplyPlan {
  if (state === undefined) {
    return !rollsOut(spec)
      ? refused(
          `${spec.model} has no rollout yet; a spec without a canary or candidates describes a model after one`,
        )
      : { kind: 'start', note: 'starts the first rollout of this model', replacing: null };
  }
  return isTerminalPhase(state.phase)
    ? planOnFinished(spec, state, force)
    : planOnLive(spec, state, force);
}
