import type { RolloutState } from '@kanary/contracts';
import { stringify } from 'yaml';
import { SPEC_API_VERSION, SPEC_KIND, type RolloutSpec } from './rollout-spec.js';

/**
 * The spec that describes a model's live state, as `kanary get rollouts -o yaml` prints it:
 * a live or rolled-back rollout names its variants (its canary, or every candidate it started
 * with, whatever became of each) and policy; a promoted one only the variant the model serves
 * now (its former stable is no longer on `rollout.state`). The rollout's id is in the status,
 * not the spec, so an edited spec starts a new rollout.
 */
export function specOfState(state: RolloutState): RolloutSpec {
  const candidates = state.candidates.map((c) => c.variant);
  if (state.phase === 'PROMOTED' || (state.canary === null && candidates.length === 0)) {
    return {
      model: state.model,
      stable: state.stable,
      canary: null,
      candidates: [],
      shadows: [],
      policy: {},
      rolloutId: null,
    };
  }
  return {
    model: state.model,
    stable: state.stable,
    canary: state.canary,
    candidates,
    shadows: state.shadows,
    policy: state.policy === null ? {} : (JSON.parse(state.policy) as Record<string, unknown>),
    rolloutId: null,
  };
}

/** Objects with their keys sorted at every depth, so equal policies print and compare equal. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The document of a spec in its canonical form: fixed field order, sorted candidates, shadows
 * and policy keys (the candidates' START order only lays out their traffic slices).
 */
function specDocument(spec: RolloutSpec): Record<string, unknown> {
  return {
    apiVersion: SPEC_API_VERSION,
    kind: SPEC_KIND,
    model: spec.model,
    stable: spec.stable,
    ...(spec.canary === null ? {} : { canary: spec.canary }),
    ...(spec.candidates.length === 0 ? {} : { candidates: [...spec.candidates].sort() }),
    ...(spec.shadows.length === 0 ? {} : { shadows: [...spec.shadows].sort() }),
    ...(spec.rolloutId === null ? {} : { rolloutId: spec.rolloutId }),
    ...(Object.keys(spec.policy).length === 0 ? {} : { policy: sortKeys(spec.policy) }),
  };
}

/**
 * What `get -o yaml` adds below a spec: read-only facts that `apply` ignores. An A/B/n
 * rollout's `canaryWeight` is its live candidates' total, and each candidate's status, weight
 * and step follow in START order.
 */
function statusOf(state: RolloutState): Record<string, unknown> {
  const candidates = state.candidates.map((c) => ({
    variant: c.variant,
    status: c.status,
    weight: c.weight,
    stepIndex: c.stepIndex,
  }));
  return {
    rolloutId: state.rolloutId,
    phase: state.phase,
    canaryWeight: state.canaryWeight,
    stepIndex: state.stepIndex,
    ...(candidates.length === 0 ? {} : { candidates }),
    seq: state.seq,
    updatedAt: new Date(state.updatedAt).toISOString(),
  };
}

/** One spec as YAML (one document, no `---`), with the live status when given. */
export function renderSpec(spec: RolloutSpec, state?: RolloutState): string {
  const document = specDocument(spec);
  return stringify(state === undefined ? document : { ...document, status: statusOf(state) });
}

/** Several specs as one multi-document YAML text. */
export function renderSpecs(documents: ReadonlyArray<string>): string {
  return documents.join('---\n');
}

/**
 * True when two specs ask for the same rollout: variants and policy, the order of candidates,
 * shadows and policy fields aside. The rollout's id is its identity, not its content, and is not compared.
 */
export function sameSpec(a: RolloutSpec, b: RolloutSpec): boolean {
  return renderSpec({ ...a, rolloutId: null }) === renderSpec({ ...b, rolloutId: null });
}
