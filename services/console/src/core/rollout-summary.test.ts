import { exampleEvents, type RolloutState } from '@kanary/contracts';
import { RolloutHistory } from '@kanary/rollout-client';
import { describe, expect, it } from 'vitest';
import { actionsFor, summarise } from './rollout-summary.js';

const state = (over: Partial<RolloutState>): RolloutState => ({
  ...exampleEvents.RolloutState,
  ...over,
});

describe('actionsFor', () => {
  it.each([
    { phase: 'CANARY', verbs: ['pause', 'promote', 'rollback'] },
    { phase: 'SHADOW', verbs: ['pause', 'promote', 'rollback'] },
    { phase: 'PAUSED', verbs: ['resume', 'promote', 'rollback'] },
    { phase: 'PROMOTED', verbs: [] },
    { phase: 'ROLLED_BACK', verbs: [] },
  ] as const)('$phase → $verbs', ({ phase, verbs }) => {
    expect(actionsFor(state({ phase }))).toEqual(verbs);
  });
});

describe('summarise', () => {
  it('shows the latest snapshot per arm with its always-valid interval, and actions only for the current rollout', () => {
    const history = new RolloutHistory();
    const s1 = state({ rolloutId: 'r1', model: 'm', stable: 'v1', canary: 'v2', phase: 'CANARY' });
    history.record({ kind: 'state', value: s1 });
    for (const [at, correct] of [
      [1, 10],
      [2, 80],
    ] as const) {
      history.record({
        kind: 'metrics',
        value: {
          ...exampleEvents.VariantMetrics,
          rolloutId: 'r1',
          variant: 'v2',
          role: 'CANARY',
          labelled: 100,
          correct,
          accuracy: correct / 100,
          at,
        },
      });
    }
    const record = history.get('r1')!;
    const current = summarise(record, s1);
    expect(current.current).toBe(true);
    expect(current.actions).toEqual(['pause', 'promote', 'rollback']);
    expect(current.arms).toHaveLength(1);
    const arm = current.arms[0]!;
    expect(arm).toMatchObject({ role: 'canary', variant: 'v2', accuracy: 0.8, at: 2 });
    expect(arm.accuracyLower!).toBeLessThan(0.8);
    expect(arm.accuracyUpper!).toBeGreaterThan(0.8);

    const past = summarise(record, state({ rolloutId: 'r2', model: 'm' }));
    expect(past.current).toBe(false);
    expect(past.actions).toEqual([]);
    expect(past.phase).toBe('CANARY');
  });
});
