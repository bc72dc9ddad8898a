import { parsePolicy } from '../policy/parse-policy.js';
import type { PolicyInput } from '../policy/policy-schema.js';
import type { RolloutState } from '../state-machine/rollout-state.js';

/** The fields of a model's {@link RolloutState} that routing reads. */
export type RoutingEntry = Pick<
  RolloutState,
  'rolloutId' | 'phase' | 'pausedFrom' | 'stable' | 'canary' | 'shadows' | 'canaryWeight'
> & {
  /** A/B/n rollouts: the candidates and their slices; absent or empty: one canary. */
  readonly candidates?: RolloutState['candidates'];
  /** The rollout's policy as JSON text, read for its segment feature; absent or null: none. */
  readonly policy?: string | null;
};

/**
 * What the router routes by. Maps rather than plain objects, so a model named like an
 * `Object.prototype` member (`constructor`, `__proto__`) cannot resolve to something else.
 */
export interface RoutingTable {
  /** The latest applied rollout state per model (live or terminal); wins over the default. */
  readonly rollouts: ReadonlyMap<string, RoutingEntry>;
  /** Variant serving each model that has no rollout state, from the router's configuration. */
  readonly defaultVariants: ReadonlyMap<string, string>;
  /**
   * The request feature whose value is the segment, per model whose rollout's policy names one
   * (`segments.feature`); read from the policy once per table, not per request.
   */
  readonly segmentFeatures: ReadonlyMap<string, string>;
}

/**
 * The `segments.feature` of a rollout's policy over the installation's default policy, or null
 * when neither names one. A policy that no longer parses (a state written under older rules)
 * names none rather than stopping routing; the decision service reports such a policy.
 */
function segmentFeatureOf(
  policy: string | null | undefined,
  defaultPolicy: PolicyInput | undefined,
): string | null {
  try {
    return parsePolicy(policy ?? null, defaultPolicy).segments.feature;
  } catch {
    return null;
  }
}

/** Builds a {@link RoutingTable} from the latest state per model and the configured defaults. */
export function createRoutingTable(
  rollouts: Iterable<RoutingEntry & { readonly model: string }>,
  defaultVariants: Readonly<Record<string, string>> = {},
  defaultPolicy?: PolicyInput,
): RoutingTable {
  const entries = [...rollouts];
  const segmentFeatures = new Map<string, string>();
  for (const entry of entries) {
    const feature = segmentFeatureOf(entry.policy, defaultPolicy);
    if (feature !== null) segmentFeatures.set(entry.model, feature);
  }
  return {
    rollouts: new Map(entries.map((entry) => [entry.model, entry] as const)),
    defaultVariants: new Map(Object.entries(defaultVariants)),
    segmentFeatures,
  };
}
