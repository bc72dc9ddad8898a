import { exampleEvents, type RolloutState } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { RolloutHistory } from './rollout-history.js';

const state = (over: Partial<RolloutState>): RolloutState => ({
  ...exampleEvents.RolloutState,
  ...over,
});

describe('RolloutHistory', () => {
  it('keeps states, metrics and decisions per rollout, whichever arrives first', () => {
    const h = new RolloutHistory();
    h.record({
      kind: 'metrics',
      value: { ...exampleEvents.VariantMetrics, rolloutId: 'r1', model: 'm', at: 5 },
    });
    h.record({
      kind: 'state',
      value: state({ rolloutId: 'r1', model: 'm', updatedAt: 10, canaryWeight: 0.1 }),
    });
    h.record({
      kind: 'state',
      value: state({ rolloutId: 'r1', model: 'm', updatedAt: 20, canaryWeight: 0.3 }),
    });
    h.record({
      kind: 'decision',
      value: { ...exampleEvents.DecisionReport, rolloutId: 'r1', model: 'm', at: 15 },
    });
    h.record({
      kind: 'metrics',
      value: { ...exampleEvents.VariantMetrics, rolloutId: null, at: 30 },
    });
    h.record({ kind: 'state', value: state({ rolloutId: 'r2', model: 'm', updatedAt: 40 }) });

    expect(h.list().map((r) => r.rolloutId)).toEqual(['r2', 'r1']);
    const r1 = h.get('r1')!;
    expect(r1.states.map((s) => s.canaryWeight)).toEqual([0.1, 0.3]);
    expect(r1.metrics).toHaveLength(1);
    expect(r1.decisions).toHaveLength(1);
    expect([r1.firstAt, r1.lastAt]).toEqual([5, 20]);
    expect(r1.state?.updatedAt).toBe(20);
    expect(r1.stable).toBe(exampleEvents.RolloutState.stable);
  });

  it('keeps the arms of a promoted rollout: the promoted variant stays the canary', () => {
    const h = new RolloutHistory();
    h.record({ kind: 'state', value: state({ rolloutId: 'r1', stable: 'v1', canary: 'v2' }) });
    h.record({
      kind: 'state',
      value: state({ rolloutId: 'r1', phase: 'PROMOTED', stable: 'v2', canary: null }),
    });
    expect([h.get('r1')!.stable, h.get('r1')!.canary]).toEqual(['v1', 'v2']);
    // Seen only after the promotion (a compacted topic): the metrics name the old stable.
    h.record({
      kind: 'state',
      value: state({ rolloutId: 'r2', phase: 'PROMOTED', stable: 'v3', canary: null }),
    });
    h.record({
      kind: 'metrics',
      value: { ...exampleEvents.VariantMetrics, rolloutId: 'r2', variant: 'v2', role: 'STABLE' },
    });
    expect([h.get('r2')!.stable, h.get('r2')!.canary]).toEqual(['v2', 'v3']);
  });

  it('bounds memory: thins the older half of long lists, never drops a decision that acted, evicts the least recent rollouts', () => {
    const h = new RolloutHistory({ points: 10, rollouts: 2 });
    for (let i = 0; i < 100; i++) {
      h.record({
        kind: 'metrics',
        value: { ...exampleEvents.VariantMetrics, rolloutId: 'r1', at: i },
      });
      h.record({
        kind: 'decision',
        value: {
          ...exampleEvents.DecisionReport,
          rolloutId: 'r1',
          action: i === 3 ? 'ADVANCE' : 'HOLD',
          at: i,
        },
      });
    }
    const r1 = h.get('r1')!;
    expect(r1.metrics.length).toBeLessThanOrEqual(10);
    expect(r1.metrics.at(-1)?.at).toBe(99);
    expect(r1.metrics.map((m) => m.at)).toEqual(
      [...r1.metrics.map((m) => m.at)].sort((a, b) => a - b),
    );
    expect(r1.decisions.some((d) => d.action === 'ADVANCE')).toBe(true);
    h.record({ kind: 'state', value: state({ rolloutId: 'r2', updatedAt: 200 }) });
    h.record({ kind: 'state', value: state({ rolloutId: 'r3', updatedAt: 300 }) });
    expect(h.list().map((r) => r.rolloutId)).toEqual(['r3', 'r2']);
  });
});
