import type { PolicyInput } from '../policy/policy-schema.js';
import type { RolloutState } from '../state-machine/rollout-state.js';
import { createRoutingTable, type RoutingTable } from './routing-table.js';

/** A model's entry changed: `state` is the new one, undefined when it was deleted. */
export interface BookChange {
  readonly model: string;
  readonly state: RolloutState | undefined;
}

/**
 * The router's view of `rollout.state`: the newest applied state per model and the routing table
 * built from them and the configured default variants. Both the state topic's tail and the local
 * command applier (right after its transaction commits) offer states; the book keeps whichever
 * is newer, so the order in which the two deliver the same state does not matter.
 *
 * Newer means a higher `seq` (per model, +1 on every applied command, never reused). A rejection
 * republishes the state at the same seq with only `lastCommand` changed; at equal seq the later
 * `lastCommand.at` wins, so a lagging copy of an older rejection cannot replace a newer one.
 */
export class RolloutBook {
  private readonly states = new Map<string, RolloutState>();
  private readonly listeners = new Set<(change: BookChange) => void>();
  private routing: RoutingTable;

  /**
   * @param defaultVariants - what a model without a rollout state serves.
   * @param defaultPolicy - the installation's default policy (`KANARY_DEFAULT_POLICY`), under each
   *   rollout's own: routing reads its segment feature from the two together.
   */
  constructor(
    private readonly defaultVariants: Readonly<Record<string, string>> = {},
    private readonly defaultPolicy?: PolicyInput,
  ) {
    this.routing = createRoutingTable([], defaultVariants, defaultPolicy);
  }

  /** What the ingresses route by; rebuilt on every change (changes are rare, routing is hot). */
  get table(): RoutingTable {
    return this.routing;
  }

  get(model: string): RolloutState | undefined {
    return this.states.get(model);
  }

  /** Every model's state, by model name. */
  list(): RolloutState[] {
    return [...this.states.values()].sort((a, b) => a.model.localeCompare(b.model));
  }

  /** The variant serving a model that has no rollout state, from the configuration. */
  defaultVariant(model: string): string | undefined {
    return this.routing.defaultVariants.get(model);
  }

  /** Takes the state if it is newer than the one held; returns whether it did. */
  offer(state: RolloutState): boolean {
    const current = this.states.get(state.model);
    if (current !== undefined && !isNewer(state, current)) return false;
    this.states.set(state.model, state);
    this.changed({ model: state.model, state });
    return true;
  }

  /** Forgets a model (a tombstone on the compacted topic); it falls back to its default. */
  remove(model: string): boolean {
    if (!this.states.delete(model)) return false;
    this.changed({ model, state: undefined });
    return true;
  }

  /** Calls `listener` after every change; returns the function that unsubscribes it. */
  subscribe(listener: (change: BookChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: BookChange): void {
    this.routing = createRoutingTable(
      this.states.values(),
      this.defaultVariants,
      this.defaultPolicy,
    );
    for (const listener of [...this.listeners]) listener(change);
  }
}

function isNewer(incoming: RolloutState, current: RolloutState): boolean {
  if (incoming.seq !== current.seq) return incoming.seq > current.seq;
  const incomingAt = incoming.lastCommand?.at ?? -1;
  const currentAt = current.lastCommand?.at ?? -1;
  if (incomingAt !== currentAt) return incomingAt > currentAt;
  return incoming.lastCommand?.commandId !== current.lastCommand?.commandId;
}
