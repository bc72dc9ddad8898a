import type { DecisionReport, RolloutState, VariantMetrics } from '@kanary/contracts';
import type { ViewEvent } from './rollout-view.js';

/** The routing table of a rollout at one moment (from `rollout.state`). */
export interface StatePoint {
  /** Epoch ms (the state's `updatedAt`). */
  readonly at: number;
  readonly phase: RolloutState['phase'];
  readonly canaryWeight: number;
  readonly stepIndex: number;
  /** A/B/n rollouts: each candidate's weight and status at this moment. @default none */
  readonly candidates?: ReadonlyArray<{
    readonly variant: string;
    readonly weight: number;
    readonly status: string;
  }>;
}

/** Everything seen of one rollout, oldest first. */
export interface RolloutRecord {
  readonly rolloutId: string;
  readonly model: string;
  /**
   * The variants compared (the stable one as it was before a promotion), from the rollout's
   * states or else its metrics; null until one of those is seen.
   */
  readonly stable: string | null;
  readonly canary: string | null;
  /** The latest state of this rollout (undefined until one is seen). */
  readonly state: RolloutState | undefined;
  /** Epoch ms of the first thing seen of it, and of the latest. */
  readonly firstAt: number;
  readonly lastAt: number;
  readonly states: readonly StatePoint[];
  readonly metrics: readonly VariantMetrics[];
  readonly decisions: readonly DecisionReport[];
}

export interface RolloutHistoryLimits {
  /** Rollouts kept; the least recently updated ones go first. @default 200 */
  readonly rollouts?: number;
  /** Entries kept per list of a rollout (states, metrics, decisions) before thinning. @default 2000 */
  readonly points?: number;
}

interface MutableRecord {
  rolloutId: string;
  model: string;
  stable: string | null;
  canary: string | null;
  state: RolloutState | undefined;
  firstAt: number;
  lastAt: number;
  states: StatePoint[];
  metrics: VariantMetrics[];
  decisions: DecisionReport[];
}

/**
 * Per-rollout history built from a {@link RolloutView}'s events: the weight over time, the
 * evaluator's metrics snapshots and the decision reports, for charts and decision logs.
 *
 * Memory is bounded for a process that runs for weeks: each list keeps at most `points`
 * entries — past that, every other entry of its older half is dropped, so the recent past stays
 * dense and the distant past coarser (charts keep their shape) — and at most `rollouts`
 * rollouts are kept. Decisions that changed something (anything but HOLD) are never thinned.
 */
export class RolloutHistory {
  private readonly records = new Map<string, MutableRecord>();
  private readonly maxRollouts: number;
  private readonly maxPoints: number;

  constructor(limits: RolloutHistoryLimits = {}) {
    this.maxRollouts = limits.rollouts ?? 200;
    this.maxPoints = Math.max(10, limits.points ?? 2_000);
  }

  record(event: ViewEvent): void {
    switch (event.kind) {
      case 'state': {
        const s = event.value;
        const r = this.touch(s.rolloutId, s.model, s.updatedAt);
        r.state = s;
        if (s.phase === 'PROMOTED') {
          // The promoted canary is now the model's stable variant; the rollout's arms keep
          // their names (the old stable is known from earlier states or the metrics).
          r.canary ??= s.stable;
        } else {
          r.stable = s.stable;
          r.canary = s.canary ?? r.canary;
        }
        r.states.push({
          at: s.updatedAt,
          phase: s.phase,
          canaryWeight: s.canaryWeight,
          stepIndex: s.stepIndex,
          ...(s.candidates.length > 0
            ? {
                candidates: s.candidates.map((c) => ({
                  variant: c.variant,
                  weight: c.weight,
                  status: c.status,
                })),
              }
            : {}),
        });
        this.thin(r.states, () => true);
        return;
      }
      case 'decision': {
        const d = event.value;
        const r = this.touch(d.rolloutId, d.model, d.at);
        r.decisions.push(d);
        this.thin(r.decisions, (x) => x.action === 'HOLD');
        return;
      }
      case 'metrics': {
        const m = event.value;
        if (m.rolloutId === null) return;
        const r = this.touch(m.rolloutId, m.model, m.at);
        if (m.role === 'STABLE') r.stable ??= m.variant;
        else r.canary ??= m.variant;
        r.metrics.push(m);
        this.thin(r.metrics, () => true);
        return;
      }
    }
  }

  get(rolloutId: string): RolloutRecord | undefined {
    return this.records.get(rolloutId);
  }

  /** Every rollout kept, the most recently active first. */
  list(): RolloutRecord[] {
    return [...this.records.values()].sort((a, b) => b.lastAt - a.lastAt);
  }

  private touch(rolloutId: string, model: string, at: number): MutableRecord {
    let r = this.records.get(rolloutId);
    if (r === undefined) {
      r = {
        rolloutId,
        model,
        stable: null,
        canary: null,
        state: undefined,
        firstAt: at,
        lastAt: at,
        states: [],
        metrics: [],
        decisions: [],
      };
      this.records.set(rolloutId, r);
      this.evict();
    }
    r.firstAt = Math.min(r.firstAt, at);
    r.lastAt = Math.max(r.lastAt, at);
    return r;
  }

  private evict(): void {
    if (this.records.size <= this.maxRollouts) return;
    const oldest = [...this.records.values()].sort((a, b) => a.lastAt - b.lastAt);
    for (const r of oldest.slice(0, this.records.size - this.maxRollouts)) {
      this.records.delete(r.rolloutId);
    }
  }

  /** Drops every other thinnable entry of the older half once the list is over the limit. */
  private thin<T>(list: T[], thinnable: (item: T) => boolean): void {
    if (list.length <= this.maxPoints) return;
    const half = Math.floor(list.length / 2);
    let k = 0;
    const kept = list.filter((item, i) => i >= half || !thinnable(item) || k++ % 2 === 0);
    list.splice(0, list.length, ...kept);
  }
}
