import { exampleEvents, type RolloutState } from '@kanary/contracts';
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

describe('rollout spec documents', () => {
  it.each([
    ['a live rollout', state()],
    ['a rollout without a policy', state({ policy: null, shadows: [] })],
    ['a rolled-back rollout', state({ phase: 'ROLLED_BACK', shadows: [], canaryWeight: 0 })],
    [
      'a promoted rollout',
      state({ phase: 'PROMOTED', canary: null, shadows: [], canaryWeight: 0 }),
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

  it('a promoted rollout is the variant the model serves now', () => {
    const promoted = state({ phase: 'PROMOTED', stable: 'v2', canary: null, shadows: [] });
    expect(specOfState(promoted)).toEqual({
      model: 'weather',
      stable: 'v2',
      canary: null,
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
