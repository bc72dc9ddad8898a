import type { RolloutState } from '@kanary/contracts';
import { isTerminalPhase } from '@kanary/rollout';
import type { RolloutSpec } from './rollout-spec.js';
import { sameSpec, specOfState } from './spec-document.js';

/**
 * What applying a spec to a model's live state takes:
 *
 * - `unchanged`: the live state already is (or was) what the spec asks for — nothing is sent;
 * - `start`: a START of the spec's rollout, after a ROLLBACK of the live rollout `replacing`
 *   (only with `force`);
 * - `finish`: a spec without a canary ends the live rollout with `action` (only with `force`);
 * - `refused`: not without `force` (`forceable`), or not possible at all.
 */
export type ApplyPlan =
  | { readonly kind: 'unchanged'; readonly note: string }
  | { readonly kind: 'start'; readonly note: string; readonly replacing: RolloutState | null }
  | {
      readonly kind: 'finish';
      readonly note: string;
      readonly action: 'ROLLBACK' | 'PROMOTE';
      readonly state: RolloutState;
    }
  | { readonly kind: 'refused'; readonly reason: string; readonly forceable: boolean };

const pct = (w: number) => `${Math.round(w * 10_000) / 100}%`;

function live(state: RolloutState): string {
  const at = state.phase === 'CANARY' ? ` at ${pct(state.canaryWeight)}` : '';
  return `rollout ${state.rolloutId} (${state.phase}${at}, canary ${state.canary ?? '–'})`;
}

const refused = (reason: string, forceable = false): ApplyPlan => ({
  kind: 'refused',
  reason,
  forceable,
});

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
  if (spec.canary === null) {
    const action =
      spec.stable === state.stable ? 'ROLLBACK' : spec.stable === state.canary ? 'PROMOTE' : null;
    if (action === null) {
      return refused(
        `${live(state)} compares ${state.stable} with ${state.canary ?? '–'}; a spec without a canary can only end it serving one of them`,
      );
    }
    const note = `would end the live ${live(state)} with ${action}`;
    return force
      ? { kind: 'finish', action, state, note }
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

/** A finished rollout is never restarted by the spec that ran it, only by a changed one. */
function planOnFinished(spec: RolloutSpec, state: RolloutState, force: boolean): ApplyPlan {
  const finished = `rollout ${state.rolloutId} ended ${state.phase}`;
  if (spec.canary === null) {
    return spec.stable === state.stable
      ? { kind: 'unchanged', note: `${state.model} serves ${state.stable} (${finished})` }
      : refused(
          `${state.model} serves ${state.stable} (${finished}); only a rollout changes that: name a canary`,
        );
  }
  const pinnedElsewhere = spec.rolloutId !== null && spec.rolloutId !== state.rolloutId;
  const ranThisSpec =
    !pinnedElsewhere &&
    (state.phase === 'PROMOTED'
      ? spec.canary === state.stable
      : sameSpec({ ...spec, shadows: [] }, { ...specOfState(state), shadows: [] }));
  if (ranThisSpec && state.phase === 'PROMOTED') {
    return { kind: 'unchanged', note: `${spec.canary} was promoted (${finished})` };
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
 */
export function planApply(
  spec: RolloutSpec,
  state: RolloutState | undefined,
  { force = false }: { force?: boolean } = {},
): ApplyPlan {
  if (state === undefined) {
    return spec.canary === null
      ? refused(
          `${spec.model} has no rollout yet; a spec without a canary describes a model after one`,
        )
      : { kind: 'start', note: 'starts the first rollout of this model', replacing: null };
  }
  return isTerminalPhase(state.phase)
    ? planOnFinished(spec, state, force)
    : planOnLive(spec, state, force);
}
