import { parsePolicy } from '@kanary/rollout';
import { describe, expect, it } from 'vitest';
import { startCommand } from './rollout.js';

const policyOf = (input: object) => ({ text: JSON.stringify(input), policy: parsePolicy(input) });

describe('startCommand', () => {
  it('starts A/B/n candidates in canary mode at the first step capped at a slice', () => {
    const wide = startCommand(
      {
        model: 'm',
        stable: 'v1',
        candidates: ['a', 'b'],
        policy: policyOf({ steps: [0.4, 0.5] }),
        reason: 'test',
      },
      undefined,
      1,
    );
    expect(wide).toMatchObject({ canary: null, candidates: ['a', 'b'], canaryWeight: 0.3333 });
    expect(wide.stepIndex).toBe(0);
    const narrow = startCommand(
      { model: 'm', stable: 'v1', candidates: ['a', 'b', 'c'], policy: null, reason: 'test' },
      undefined,
      1,
    );
    expect(narrow.canaryWeight).toBe(0.01);
  });

  it('keeps a shadow start for one canary, never for candidates', () => {
    const shadow = policyOf({ mode: 'shadow' });
    const one = startCommand(
      { model: 'm', stable: 'v1', canary: 'v2', policy: shadow, reason: 'test' },
      undefined,
    );
    expect(one.canaryWeight).toBeNull();
    const many = startCommand(
      { model: 'm', stable: 'v1', candidates: ['a', 'b'], policy: shadow, reason: 'test' },
      undefined,
    );
    expect(many.canaryWeight).toBe(0.01);
  });
});
