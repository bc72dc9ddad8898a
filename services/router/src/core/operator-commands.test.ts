import { applyCommand } from '@kanary/rollout';
import { describe, expect, it } from 'vitest';
import { startRequestSchema } from './http-schemas.js';
import { lifecycleCommand, startCommand, weightCommand, type Built } from './operator-commands.js';
import { NOW, on, start, stateAfter } from './router.fixtures.js';

const stamp = { commandId: 'op-1', issuedAt: NOW };
const canary = stateAfter(start());

/** The command built, failing the test with the message when it was refused. */
function built(result: Built) {
  if (!result.ok) throw new Error(result.message);
  return result.command;
}

describe('operator commands', () => {
  it.each([
    ['pause', 'PAUSE', 'PAUSED'],
    ['rollback', 'ROLLBACK', 'ROLLED_BACK'],
    ['promote', 'PROMOTE', 'PROMOTED'],
  ] as const)('%s names the live rollout and its seq, and applies', (verb, action, phase) => {
    const command = built(lifecycleCommand(canary, verb, stamp, { reason: 'incident 42' }));
    expect(command).toMatchObject({
      action,
      rolloutId: 'r1',
      stable: 'v1',
      basedOnSeq: canary.seq,
      issuedBy: 'OPERATOR',
      reason: 'incident 42',
    });
    expect(applyCommand(canary, command, NOW)).toMatchObject({
      outcome: 'APPLIED',
      state: { phase },
    });
  });

  it('resume returns a paused rollout to canary mode', () => {
    const paused = stateAfter(start({ commandId: 'p0' }), on(canary, 'PAUSE'));
    const command = built(lifecycleCommand(paused, 'resume', stamp));
    expect(command.reason).toBe('operator resume via the HTTP API');
    expect(applyCommand(paused, command, NOW)).toMatchObject({ state: { phase: 'CANARY' } });
  });

  it('weight sets the canary share and the step', () => {
    const command = built(weightCommand(canary, { canaryWeight: 0.4, stepIndex: 2 }, stamp));
    expect(command).toMatchObject({ action: 'SET_WEIGHT', canaryWeight: 0.4, stepIndex: 2 });
    expect(applyCommand(canary, command, NOW)).toMatchObject({
      state: { canaryWeight: 0.4, stepIndex: 2 },
    });
  });

  const startStamp = { ...stamp, rolloutId: 'weather-abc' };
  const body = (input: unknown) => startRequestSchema.parse(input);

  it.each([
    {
      name: 'shadow mode by default, stable from the default variant',
      input: { canary: 'v2' },
      current: undefined,
      fallback: 'v0',
      expected: { stable: 'v0', canaryWeight: null, basedOnSeq: null, rolloutId: 'weather-abc' },
    },
    {
      name: 'canary mode with a weight, stable from the current state',
      input: { canary: 'v9', canaryWeight: 0.05, rolloutId: 'r2' },
      current: stateAfter(start({ commandId: 's0' }), on(canary, 'PROMOTE')),
      fallback: undefined,
      expected: { stable: 'v2', canaryWeight: 0.05, basedOnSeq: 2, rolloutId: 'r2' },
    },
    {
      name: 'explicit shadow with weight 0',
      input: {
        canary: 'v2',
        stable: 'v1',
        shadow: true,
        canaryWeight: 0,
        policy: { steps: [0.1] },
      },
      current: undefined,
      fallback: undefined,
      expected: { stable: 'v1', canaryWeight: null, policy: '{"steps":[0.1]}' },
    },
  ])('start: $name', ({ input, current, fallback, expected }) => {
    const built = startCommand('weather', body(input), current, fallback, startStamp);
    expect(built).toMatchObject({ ok: true, command: { action: 'START', ...expected } });
    if (built.ok) expect(applyCommand(current, built.command, NOW).outcome).toBe('APPLIED');
  });

  it.each([
    { name: 'no stable anywhere', input: { canary: 'v2' }, message: 'stable: is required' },
    { name: 'canary = stable', input: { canary: 'v1', stable: 'v1' }, message: 'canary' },
    {
      name: 'policy text not an object',
      input: { canary: 'v2', stable: 'v1', policy: '[1]' },
      message: 'policy',
    },
  ])('start refuses $name', ({ input, message }) => {
    const built = startCommand('weather', body(input), undefined, undefined, startStamp);
    expect(built.ok).toBe(false);
    expect(!built.ok && built.message).toContain(message);
  });

  it('the start schema refuses shadow mode with a positive weight', () => {
    const parsed = startRequestSchema.safeParse({ canary: 'v2', shadow: true, canaryWeight: 0.1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['canaryWeight']);
  });

  it('the start schema wants canary or candidates, not both, and candidates not in shadow mode', () => {
    const issue = (input: unknown) => {
      const parsed = startRequestSchema.safeParse(input);
      return parsed.success ? null : parsed.error.issues[0];
    };
    expect(issue({})).toMatchObject({
      path: ['canary'],
      message: 'is required (or candidates, two or more, for an A/B/n rollout)',
    });
    expect(issue({ canary: 'v2', candidates: ['a', 'b'] })).toMatchObject({
      path: ['candidates'],
      message: 'give canary or candidates (A/B/n), not both',
    });
    expect(issue({ candidates: ['a', 'b'], shadow: true })).toMatchObject({ path: ['shadow'] });
  });
});

describe('operator commands on an A/B/n rollout', () => {
  const startAbn = (input: unknown) =>
    startCommand('weather', startRequestSchema.parse(input), undefined, undefined, {
      ...stamp,
      rolloutId: 'abn-1',
    });
  const abn = () => {
    const command = built(
      startAbn({ stable: 'v1', candidates: ['a', 'b', 'c'], canaryWeight: 0.05 }),
    );
    expect(command).toMatchObject({ canary: null, candidates: ['a', 'b', 'c'] });
    const result = applyCommand(undefined, command, NOW);
    if (result.outcome !== 'APPLIED') throw new Error('START not applied');
    return result.state;
  };
  const statusOf = (state: { candidates: { variant: string; status: string }[] }) =>
    Object.fromEntries(state.candidates.map((c) => [c.variant, c.status]));

  it('start refuses candidates without a weight in canary mode, or above their slice', () => {
    expect(startAbn({ stable: 'v1', candidates: ['a', 'b'] })).toMatchObject({
      ok: false,
      message: expect.stringContaining('canaryWeight: must be above 0') as string,
    });
    expect(startAbn({ stable: 'v1', candidates: ['a', 'b'], canaryWeight: 0.4 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('must be at most 0.3333 with 2 candidates') as string,
    });
    expect(startAbn({ stable: 'v1', candidates: ['a'], canaryWeight: 0.1 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('candidates: need two or more variants') as string,
    });
  });

  it('rollback names one candidate, weight raises one, promote picks one and ends the others', () => {
    const state = abn();
    const op = (n: number) => ({ commandId: `op-${n}`, issuedAt: NOW });
    const rollback = built(lifecycleCommand(state, 'rollback', op(2), { canary: 'b' }));
    expect(rollback).toMatchObject({ action: 'ROLLBACK', canary: 'b', basedOnSeq: state.seq });
    const withoutB = applyCommand(state, rollback, NOW);
    if (withoutB.outcome !== 'APPLIED') throw new Error('ROLLBACK not applied');
    expect(statusOf(withoutB.state)).toEqual({ a: 'LIVE', b: 'ROLLED_BACK', c: 'LIVE' });

    const weight = built(
      weightCommand(withoutB.state, { canaryWeight: 0.2, stepIndex: 1 }, op(3), { canary: 'c' }),
    );
    const raised = applyCommand(withoutB.state, weight, NOW);
    if (raised.outcome !== 'APPLIED') throw new Error('SET_WEIGHT not applied');
    expect(raised.state.candidates.map((c) => c.weight)).toEqual([0.05, 0, 0.2]);

    const promote = built(lifecycleCommand(raised.state, 'promote', op(4), { canary: 'c' }));
    const promoted = applyCommand(raised.state, promote, NOW);
    expect(promoted).toMatchObject({
      outcome: 'APPLIED',
      state: { phase: 'PROMOTED', stable: 'c' },
    });
    if (promoted.outcome === 'APPLIED') {
      expect(statusOf(promoted.state)).toEqual({ a: 'ENDED', b: 'ROLLED_BACK', c: 'PROMOTED' });
    }
  });

  it('refuses a promote or weight naming no candidate, and a variant that is none, listing them', () => {
    const state = abn();
    expect(lifecycleCommand(state, 'promote', stamp)).toEqual({
      ok: false,
      message: 'rollout "abn-1" has candidates a (LIVE), b (LIVE), c (LIVE): PROMOTE must name one',
    });
    expect(weightCommand(state, { canaryWeight: 0.1 }, stamp)).toMatchObject({
      ok: false,
      message: expect.stringContaining('SET_WEIGHT must name one') as string,
    });
    expect(lifecycleCommand(state, 'rollback', stamp, { canary: 'z' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('has no candidate "z"') as string,
    });
    expect(built(lifecycleCommand(state, 'rollback', stamp))).toMatchObject({ canary: null });
  });
});
