import type { RolloutState } from '../state-machine/rollout-state.js';

/** The fields of a model's {@link RolloutState} that routing reads. */
export type RoutingEntry = Pick<
  RolloutState,
  'rolloutId' | 'phase' | 'pausedFrom' | 'stable' | 'canary' | 'shadows' | 'canaryWeight'
>;

/**
 * What the router routes by. Maps rather than plain objects, so a model named like an
 * `Object.prototype` member (`constructor`, `__proto__`) cannot resolve to something else.
 */
export interface RoutingTable {
  /** The latest applied rollout state per model (live or terminal); wins over the default. */
  readonly rollouts: ReadonlyMap<string, RoutingEntry>;
  /** Variant serving each model that has no rollout state, from the router's configuration. */
  readonly defaultVariants: ReadonlyMap<string, string>;
}

/** Builds a {@link RoutingTable} from the latest state per model and the configured defaults. */
export function createRoutingTable(
  rollouts: Iterable<RoutingEntry & { readonly model: string }>,
  defaultVariants: Readonly<Record<string, string>> = {},
): RoutingTable {
  return {
    rollouts: new Map([...rollouts].map((entry) => [entry.model, entry] as const)),
    defaultVariants: new Map(Object.entries(defaultVariants)),
  };
}
