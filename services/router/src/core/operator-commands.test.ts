import { applyCommand } from '@kanary/rollout';
import { describe, expect, it } from 'vitest';
import { startRequestSchema } from './http-schemas.js';
import { lifecycleCommand, startCommand, weightCommand } from './operator-commands.js';
import { NOW, on, start, stateAfter } from './router.fixtures.js';

const stamp = { commandId: 'op-1', issuedAt: NOW };
const canary = stateAfter(start());

describe('operator commands', () => {
  it.each([
    ['pause', 'PAUSE', 'PAUSED'],
    ['rollback', 'ROLLBACK', 'ROLLED_BACK'],
    ['promote', 'PROMOTE', 'PROMOTED'],
  ] as const)('%s names the live rollout and its seq, and applies', (verb, action, phase) => {
    const command = lifecycleCommand(canary, verb, stamp, 'incident 42');
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
    const command = lifecycleCommand(paused, 'resume', stamp);
    expect(command.reason).toBe('operator resume via the HTTP API');
    expect(applyCommand(paused, command, NOW)).toMatchObject({ state: { phase: 'CANARY' } });
  });

  it('weight sets the canary share and the step', () => {
    const command = weightCommand(canary, { canaryWeight: 0.4, stepIndex: 2 }, stamp);
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
});
