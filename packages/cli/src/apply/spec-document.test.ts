import { exampleEvents, type Candidate, type RolloutState } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { parseSpecDocuments } from './rollout-spec.js';
import { specDiff } from './spec-diff.js';
import { renderSpec, renderSpecs, sameSpec, specOfState } from './spec-document.js';

const state = (over: Partial<RolloutState> = {}): RolloutState => ({
  ...exampleEvents.RolloutState,
  rolloutId: 'r1',
  stable: 'v1',
  canary: 'v2',
  shadows: ['v4', 'v3'],
  policy: '{"steps":[0.1,0.5],"latency":{"maxRatio":1.5,"enabled":true}}',
  ...over,
});

const candidate = (variant: string, status: Candidate['status'], weight = 0): Candidate => ({
  variant,
  status,
  weight,
  stepIndex: 1,
  stepStartedAt: 0,
  changedAt: 0,
});
const abn = state({
  canary: null,
  shadows: [],
  canaryWeight: 0.2,
  candidates: [
    candidate('v3', 'LIVE', 0.1),
    candidate('v2', 'ROLLED_BACK'),
    candidate('v4', 'LIVE', 0.1),
  ],
});

describe('rollout spec documents', () => {
  it.each([
    ['a live rollout', state()],
    ['a rollout without a policy', state({ policy: null, shadows: [] })],
    ['a rolled-back rollout', state({ phase: 'ROLLED_BACK', shadows: [], canaryWeight: 0 })],
    [
      'a promoted rollout',
      state({ phase: 'PROMOTED', canary: null, shadows: [], canaryWeight: 0 }),
    ],
    ['a live A/B/n rollout', abn],
    [
      'a rolled-back A/B/n rollout',
      state({
        phase: 'ROLLED_BACK',
        canary: null,
        shadows: [],
        canaryWeight: 0,
        candidates: [candidate('v2', 'ROLLED_BACK'), candidate('v3', 'ROLLED_BACK')],
      }),
    ],
    [
      'a promoted A/B/n rollout',
      state({
        phase: 'PROMOTED',
        stable: 'v3',
        canary: null,
        shadows: [],
        canaryWeight: 0,
        candidates: [candidate('v2', 'ENDED'), candidate('v3', 'PROMOTED')],
      }),
    ],
  ])('prints %s as a spec that reads back as the same rollout', (_, live) => {
    const text = renderSpecs([renderSpec(specOfState(live), live), renderSpec(specOfState(live))]);
    const { specs, invalid } = parseSpecDocuments(text, 'get.yaml');
    expect(invalid).toEqual([]);
    expect(specs).toHaveLength(2);
    for (const { spec } of specs) expect(sameSpec(spec, specOfState(live))).toBe(true);
  });

  it('prints a fixed field order, sorted shadows and policy keys, and the status apart', () => {
    expect(renderSpec(specOfState(state()), state())).toBe(
      [
        'apiVersion: kanary/v1',
        'kind: Rollout',
        'model: weather',
        'stable: v1',
        'canary: v2',
        'shadows:',
        '  - v3',
        '  - v4',
        'policy:',
        '  latency:',
        '    enabled: true',
        '    maxRatio: 1.5',
        '  steps:',
        '    - 0.1',
        '    - 0.5',
        'status:',
        '  rolloutId: r1',
        '  phase: CANARY',
        '  canaryWeight: 0.05',
        '  stepIndex: 1',
        '  seq: 2',
        `  updatedAt: ${new Date(exampleEvents.RolloutState.updatedAt).toISOString()}`,
        '',
      ].join('\n'),
    );
  });

  it("prints an A/B/n rollout with its candidates, and each one's status apart", () => {
    const text = renderSpec(specOfState({ ...abn, policy: null }), { ...abn, policy: null });
    expect(text).toBe(
      [
        'apiVersion: kanary/v1',
        'kind: Rollout',
        'model: weather',
        'stable: v1',
        'candidates:',
        '  - v2',
        '  - v3',
        '  - v4',
        'status:',
        '  rolloutId: r1',
        '  phase: CANARY',
        '  canaryWeight: 0.2',
        '  stepIndex: 1',
        '  candidates:',
        '    - variant: v3',
        '      status: LIVE',
        '      weight: 0.1',
        '      stepIndex: 1',
        '    - variant: v2',
        '      status: ROLLED_BACK',
        '      weight: 0',
        '      stepIndex: 1',
        '    - variant: v4',
        '      status: LIVE',
        '      weight: 0.1',
        '      stepIndex: 1',
        '  seq: 2',
        `  updatedAt: ${new Date(exampleEvents.RolloutState.updatedAt).toISOString()}`,
        '',
      ].join('\n'),
    );
    expect(specOfState(abn)).toMatchObject({ canary: null, candidates: ['v3', 'v2', 'v4'] });
    expect(
      sameSpec(specOfState(abn), { ...specOfState(abn), candidates: ['v4', 'v2', 'v3'] }),
    ).toBe(true);
  });

  it('a promoted rollout is the variant the model serves now', () => {
    const promoted = state({ phase: 'PROMOTED', stable: 'v2', canary: null, shadows: [] });
    expect(specOfState(promoted)).toEqual({
      model: 'weather',
      stable: 'v2',
      canary: null,
      candidates: [],
      shadows: [],
      policy: {},
      rolloutId: null,
    });
  });

  it('diffs live and desired line by line, every line kept', () => {
    const live = renderSpec(specOfState(state({ policy: null, shadows: [] })));
    const desired = renderSpec({
      ...specOfState(state({ policy: null, shadows: [] })),
      canary: 'v9',
    });
    expect(specDiff(live, desired)).toEqual([
      '  apiVersion: kanary/v1',
      '  kind: Rollout',
      '  model: weather',
      '  stable: v1',
      '- canary: v2',
      '+ canary: v9',
    ]);
    expect(specDiff(live, live)).toEqual([]);
    expect(specDiff('', 'model: a\n')).toEqual(['+ model: a']);
  });
});
