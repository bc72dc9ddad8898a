/** Routing semantics per phase, stickiness, monotonicity and the per-model table. */
import { describe, expect, it } from 'vitest';
import { applyCommand } from '../state-machine/apply-command.js';
import type { RolloutState } from '../state-machine/rollout-state.js';
import type { RolloutCommand } from '../state-machine/rollout-command.js';
import { assign, type Assignment } from './assign.js';
import { bucketOf } from './bucket.js';
import { createRoutingTable, type RoutingEntry } from './routing-table.js';

type Entry = RoutingEntry & { model: string };

const live = (overrides: Partial<Entry> = {}): Entry => ({
  model: 'churn',
  rolloutId: 'r1',
  phase: 'CANARY',
  pausedFrom: null,
  stable: 'v1',
  canary: 'v2',
  shadows: ['v3'],
  canaryWeight: 0.25,
  ...overrides,
});

const keys = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
const request = (routingKey: string | null, requestId = 'req-1', model = 'churn') => ({
  requestId,
  model,
  routingKey,
});

/** The served variant for each key under one entry. */
function servedBy(entry: Entry): string[] {
  const table = createRoutingTable([entry]);
  return keys.map((key) => {
    const result = assign(table, request(key));
    if (result.kind !== 'routed') throw new Error('expected a route');
    return result.served.variant;
  });
}

function canaryKeys(entry: Entry): Set<string> {
  const served = servedBy(entry);
  return new Set(keys.filter((_, i) => served[i] === entry.canary));
}

describe('assign by phase', () => {
  it('CANARY: a key below the weight limit is served by the canary, the rest by the stable; shadows copied', () => {
    const table = createRoutingTable([live()]);
    for (const key of keys.slice(0, 2000)) {
      const bucket = bucketOf(key, 'r1');
      expect(assign(table, request(key))).toEqual<Assignment>({
        kind: 'routed',
        rolloutId: 'r1',
        routingKey: key,
        bucket,
        served:
          bucket < 2500 ? { variant: 'v2', role: 'CANARY' } : { variant: 'v1', role: 'STABLE' },
        shadows: [{ variant: 'v3', role: 'SHADOW' }],
      });
    }
  });

  it('SHADOW: the stable serves everyone, the canary and the shadows get copies', () => {
    const table = createRoutingTable([live({ phase: 'SHADOW', canaryWeight: 0 })]);
    for (const key of keys.slice(0, 2000)) {
      expect(assign(table, request(key))).toMatchObject({
        rolloutId: 'r1',
        served: { variant: 'v1', role: 'STABLE' },
        shadows: [
          { variant: 'v2', role: 'SHADOW' },
          { variant: 'v3', role: 'SHADOW' },
        ],
      });
    }
  });

  it.each(['SHADOW', 'CANARY'] as const)(
    'PAUSED from %s keeps routing exactly as before the pause',
    (from) => {
      const weight = from === 'SHADOW' ? 0 : 0.25;
      const before = createRoutingTable([live({ phase: from, canaryWeight: weight })]);
      const paused = createRoutingTable([
        live({ phase: 'PAUSED', pausedFrom: from, canaryWeight: weight }),
      ]);
      for (const key of keys.slice(0, 2000)) {
        expect(assign(paused, request(key))).toEqual(assign(before, request(key)));
      }
    },
  );

  it.each([
    { phase: 'PROMOTED', stable: 'v2', canary: null },
    { phase: 'ROLLED_BACK', stable: 'v1', canary: 'v2' },
  ] as const)(
    '$phase: everything to the stable ($stable), no copies, no live rollout',
    ({ phase, stable, canary }) => {
      const table = createRoutingTable([
        live({ phase, stable, canary, canaryWeight: 0, shadows: [] }),
      ]);
      for (const key of keys.slice(0, 500)) {
        expect(assign(table, request(key))).toEqual<Assignment>({
          kind: 'routed',
          rolloutId: null,
          routingKey: key,
          bucket: null,
          served: { variant: stable, role: 'STABLE' },
          shadows: [],
        });
      }
    },
  );

  it('a state straight from applyCommand routes as its phase says', () => {
    const started = applyCommand(
      undefined,
      {
        commandId: 'c1',
        rolloutId: 'r9',
        model: 'churn',
        action: 'START',
        stable: 'v1',
        canary: 'v2',
        shadows: [],
        canaryWeight: 1,
        stepIndex: null,
        basedOnSeq: null,
        actor: null,
        candidates: [],
        issuedBy: 'OPERATOR',
        reason: '',
        policy: null,
        issuedAt: 1,
      },
      2,
    );
    const state: RolloutState | undefined = started.state;
    expect(state).toBeDefined();
    const table = createRoutingTable(state === undefined ? [] : [state]);
    expect(assign(table, request('anyone'))).toMatchObject({
      rolloutId: 'r9',
      served: { variant: 'v2', role: 'CANARY' },
    });
  });
});

describe('stickiness and monotonicity', () => {
  const weights = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 1];

  it('gives a key the same variant on every call', () => {
    expect(servedBy(live())).toEqual(servedBy(live()));
  });

  it('only ever adds canary keys as the weight rises (set at w1 ⊂ set at w2)', () => {
    const sets = weights.map((canaryWeight) => canaryKeys(live({ canaryWeight })));
    expect(sets[0]?.size).toBe(0);
    expect(sets.at(-1)?.size).toBe(keys.length);
    for (let i = 1; i < sets.length; i++) {
      const [smaller, larger] = [sets[i - 1] ?? new Set(), sets[i] ?? new Set()];
      expect(larger.size).toBeGreaterThan(smaller.size);
      expect([...smaller].every((key) => larger.has(key))).toBe(true);
    }
  });

  it('draws a fresh split for a new rollout of the same model', () => {
    const first = canaryKeys(live({ rolloutId: 'r1', canaryWeight: 0.5 }));
    const second = canaryKeys(live({ rolloutId: 'r2', canaryWeight: 0.5 }));
    const overlap = [...first].filter((key) => second.has(key)).length / keys.length;
    // Independent halves overlap on a quarter of the keys (sd ≈ 0.003 at 20,000 keys).
    expect(Math.abs(overlap - 0.25)).toBeLessThan(0.015);
  });
});

describe('routing keys', () => {
  const table = createRoutingTable([live({ canaryWeight: 0.5 })]);

  it.each([null, ''])('falls back to the requestId when routingKey is %j', (routingKey) => {
    for (const requestId of keys.slice(0, 500)) {
      const fallback = assign(table, request(routingKey, requestId));
      expect(fallback).toEqual(assign(table, request(requestId, 'unrelated')));
      expect(fallback).toMatchObject({ routingKey: requestId });
    }
  });

  it('ignores the requestId when a routing key is given', () => {
    const variants = keys.slice(0, 200).map((requestId) => {
      const result = assign(table, request('user-7', requestId));
      return result.kind === 'routed' ? result.served.variant : 'none';
    });
    expect(new Set(variants).size).toBe(1);
  });
});

describe('routing table', () => {
  it('sends a model with no rollout to its configured default', () => {
    const table = createRoutingTable([], { fraud: 'fraud-v7' });
    expect(assign(table, request('user-1', 'req-1', 'fraud'))).toEqual<Assignment>({
      kind: 'routed',
      rolloutId: null,
      routingKey: 'user-1',
      bucket: null,
      served: { variant: 'fraud-v7', role: 'STABLE' },
      shadows: [],
    });
  });

  it('prefers the rollout state over the configured default', () => {
    const table = createRoutingTable(
      [live({ phase: 'PROMOTED', stable: 'v2', canary: null, canaryWeight: 0, shadows: [] })],
      { churn: 'v1' },
    );
    expect(assign(table, request('user-1'))).toMatchObject({ served: { variant: 'v2' } });
  });

  it.each(['unknown', 'constructor', '__proto__'])('answers unknown-model for %j', (model) => {
    const table = createRoutingTable([live()], { fraud: 'fraud-v7' });
    expect(assign(table, request('user-1', 'req-1', model))).toEqual({
      kind: 'unknown-model',
      model,
    });
  });

  it('routes several models independently', () => {
    const churn = live({ canaryWeight: 0.25 });
    const fraud = live({
      model: 'fraud',
      rolloutId: 'f1',
      stable: 'f-old',
      canary: 'f-new',
      shadows: [],
      canaryWeight: 0.5,
    });
    const both = createRoutingTable([churn, fraud], { search: 's1' });
    const alone = (entry: Entry) => createRoutingTable([entry]);
    for (const key of keys.slice(0, 1000)) {
      expect(assign(both, request(key, 'r', 'churn'))).toEqual(
        assign(alone(churn), request(key, 'r', 'churn')),
      );
      expect(assign(both, request(key, 'r', 'fraud'))).toEqual(
        assign(alone(fraud), request(key, 'r', 'fraud')),
      );
      expect(assign(both, request(key, 'r', 'search'))).toMatchObject({
        served: { variant: 's1' },
      });
    }
  });
});

describe('A/B/n assignment', () => {
  const base: Omit<RolloutCommand, 'action' | 'canary' | 'canaryWeight' | 'candidates'> = {
    commandId: 'abn-1',
    rolloutId: 'abn',
    model: 'churn',
    stable: 'v1',
    shadows: [],
    stepIndex: null,
    basedOnSeq: null,
    actor: null,
    issuedBy: 'OPERATOR',
    reason: '',
    policy: null,
    issuedAt: 1,
  };
  const apply = (state: RolloutState | undefined, command: Partial<RolloutCommand>) => {
    const result = applyCommand(
      state,
      {
        ...base,
        action: 'SET_WEIGHT',
        canary: null,
        canaryWeight: null,
        candidates: [],
        basedOnSeq: state?.seq ?? null,
        ...command,
      },
      2,
    );
    if (result.outcome !== 'APPLIED') throw new Error(JSON.stringify(result));
    return result.state;
  };
  const KEYS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
  const servedBy = (state: RolloutState): string[] => {
    const table = createRoutingTable([state]);
    return KEYS.map((key) => {
      const a = assign(table, request(key));
      return a.kind === 'routed' ? a.served.variant : 'none';
    });
  };
  const share = (served: string[], variant: string) =>
    served.filter((v) => v === variant).length / served.length;

  it('stays sticky per arm over 100,000 keys while one candidate moves', () => {
    const start = apply(undefined, {
      commandId: 'abn-start',
      action: 'START',
      candidates: ['a', 'b', 'c'],
      canaryWeight: 0.05,
    });
    const before = servedBy(start);
    for (const variant of ['a', 'b', 'c']) expect(share(before, variant)).toBeCloseTo(0.05, 2);

    // b goes from 5 % to 25 %: only stable keys may move, and only to b.
    const raised = apply(start, { commandId: 'abn-b', canary: 'b', canaryWeight: 0.25 });
    const after = servedBy(raised);
    let moved = 0;
    KEYS.forEach((_, i) => {
      if (before[i] === after[i]) return;
      moved += 1;
      expect([before[i], after[i]]).toEqual(['v1', 'b']);
    });
    expect(moved / KEYS.length).toBeCloseTo(0.2, 2);
    expect(share(after, 'b')).toBeCloseTo(0.25, 2);

    // a is rolled back: its keys return to the stable, nobody else moves.
    const withoutA = apply(raised, { commandId: 'abn-a', action: 'ROLLBACK', canary: 'a' });
    const last = servedBy(withoutA);
    KEYS.forEach((_, i) => {
      if (after[i] === 'a') expect(last[i]).toBe('v1');
      else expect(last[i]).toBe(after[i]);
    });
    expect(share(last, 'a')).toBe(0);
    expect(share(last, 'c')).toBeCloseTo(0.05, 2);
  });
});
