import { bucketOf, canaryBucketLimit } from './bucket.js';
import type { RoutingTable } from './routing-table.js';
import { Role as VariantRole, RolloutPhase } from '@kanary/contracts';
import { candidateOfBucket } from '../state-machine/candidates.js';

/** What {@link assign} needs from a request (an `InferenceRequest` or an HTTP assign call). */
export interface AssignmentRequest {
  requestId: string;
  model: string;
  /** Sticky key (user, session, …); null or empty uses the requestId (no stickiness). */
  routingKey: string | null;
}

/** A variant that receives a copy of the request; its answer is not returned. */
export interface ShadowTarget {
  variant: string;
  role: typeof VariantRole.SHADOW;
}

/** The variant whose answer is returned to the caller (`served=true`). */
export interface ServedTarget {
  variant: string;
  role: typeof VariantRole.STABLE | typeof VariantRole.CANARY;
}

/** Result of {@link assign}. */
export type Assignment =
  | {
      kind: 'routed';
      /** The live rollout the request is part of; null with no rollout or a finished one. */
      rolloutId: string | null;
      /** The key the bucket was computed from (routingKey, else requestId). */
      routingKey: string;
      /** The key's bucket in the live rollout, in [0, 10,000); null when no rollout is live. */
      bucket: number | null;
      served: ServedTarget;
      /** Copies to send, in a stable order: the canary first in shadow mode, then `shadows`. */
      shadows: ShadowTarget[];
    }
  | { kind: 'unknown-model'; model: string };

const asShadows = (variants: readonly string[]): ShadowTarget[] =>
  variants.map((variant) => ({ variant, role: VariantRole.SHADOW }));

/**
 * Routes one request. A live rollout routes by its mode (a PAUSED one like the phase it was
 * paused from): in SHADOW the stable serves everything and the canary gets a copy; in CANARY a
 * key whose bucket is below round(weight × 10,000) is served by the canary, the rest by the
 * stable. An A/B/n rollout serves each LIVE candidate from its own slice of the buckets
 * (candidates.ts), the stable the rest. Either way the rollout's `shadows` get copies. After PROMOTED or ROLLED_BACK the
 * (new) stable serves everything and nothing is copied. A model with no rollout state goes to
 * its default variant; one with neither is `unknown-model`. Models route independently.
 */
export function assign(table: RoutingTable, request: AssignmentRequest): Assignment {
  const routingKey =
    request.routingKey === null || request.routingKey === ''
      ? request.requestId
      : request.routingKey;
  const entry = table.rollouts.get(request.model);
  if (entry === undefined) {
    const variant = table.defaultVariants.get(request.model);
    if (variant === undefined) return { kind: 'unknown-model', model: request.model };
    return stableOnly(variant, routingKey);
  }
  const mode = entry.phase === RolloutPhase.PAUSED ? entry.pausedFrom : entry.phase;
  if (mode !== RolloutPhase.SHADOW && mode !== RolloutPhase.CANARY) {
    return stableOnly(entry.stable, routingKey);
  }
  const bucket = bucketOf(routingKey, entry.rolloutId);
  let served = stable(entry.stable);
  let copies: readonly string[] = entry.shadows;
  const candidates = entry.candidates ?? [];
  if (candidates.length > 0) {
    const candidate = candidateOfBucket(candidates, bucket);
    if (candidate !== null) served = { variant: candidate.variant, role: VariantRole.CANARY };
  } else if (entry.canary !== null && mode === RolloutPhase.SHADOW) {
    copies = [entry.canary, ...entry.shadows];
  } else if (entry.canary !== null && bucket < canaryBucketLimit(entry.canaryWeight)) {
    served = { variant: entry.canary, role: VariantRole.CANARY };
  }
  return {
    kind: 'routed',
    rolloutId: entry.rolloutId,
    routingKey,
    bucket,
    served,
    shadows: asShadows(copies),
  };
}

function stable(variant: string): ServedTarget {
  return { variant, role: VariantRole.STABLE };
}

function stableOnly(variant: string, routingKey: string): Assignment {
  return {
    kind: 'routed',
    rolloutId: null,
    routingKey,
    bucket: null,
    served: stable(variant),
    shadows: [],
  };
}
