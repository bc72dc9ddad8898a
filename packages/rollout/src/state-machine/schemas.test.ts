/** Semantic validation of commands (the INVALID_COMMAND path) and of restored states. */
import { describe, expect, it } from 'vitest';
import { applyCommand } from './apply-command.js';
import { RolloutAction, exampleEvents } from '@kanary/contracts';
import { rolloutCommandSchema, type RolloutCommand } from './rollout-command.js';
import {
  RECENT_COMMAND_IDS_LIMIT,
  rolloutStateSchema,
  type RolloutState,
} from './rollout-state.js';
import { NOW, SOURCES, commandOn, startCommand, stateIn } from './rollout.fixtures.js';

const invalidCommands: Array<{ name: string; command: RolloutCommand; path: string }> = [
  { name: 'blank commandId', command: startCommand({ commandId: '  ' }), path: 'commandId' },
  { name: 'empty rolloutId', command: startCommand({ rolloutId: '' }), path: 'rolloutId' },
  { name: 'empty model', command: startCommand({ model: '' }), path: 'model' },
  { name: 'empty stable', command: startCommand({ stable: '' }), path: 'stable' },
  { name: 'weight above 1', command: startCommand({ canaryWeight: 1.5 }), path: 'canaryWeight' },
  { name: 'negative weight', command: startCommand({ canaryWeight: -0.01 }), path: 'canaryWeight' },
  { name: 'NaN weight', command: startCommand({ canaryWeight: Number.NaN }), path: 'canaryWeight' },
  { name: 'fractional basedOnSeq', command: startCommand({ basedOnSeq: 1.5 }), path: 'basedOnSeq' },
  { name: 'negative basedOnSeq', command: startCommand({ basedOnSeq: -1 }), path: 'basedOnSeq' },
  { name: 'negative stepIndex', command: startCommand({ stepIndex: -1 }), path: 'stepIndex' },
  { name: 'fractional issuedAt', command: startCommand({ issuedAt: 1.5 }), path: 'issuedAt' },
  { name: 'policy not JSON', command: startCommand({ policy: '{steps:' }), path: 'policy' },
  { name: 'policy a JSON array', command: startCommand({ policy: '[0.05]' }), path: 'policy' },
  { name: 'START without canary', command: startCommand({ canary: null }), path: 'canary' },
  { name: 'START with canary = stable', command: startCommand({ canary: 'v1' }), path: 'canary' },
  {
    name: 'shadow repeating the canary',
    command: startCommand({ shadows: ['v2'] }),
    path: 'shadows.0',
  },
  {
    name: 'shadow listed twice',
    command: startCommand({ shadows: ['v3', 'v3'] }),
    path: 'shadows.1',
  },
  {
    name: 'SET_WEIGHT without weight',
    command: startCommand({ action: RolloutAction.SET_WEIGHT, canaryWeight: null }),
    path: 'canaryWeight',
  },
  {
    name: 'unknown issuer',
    command: { ...startCommand(), issuedBy: 'CRON' } as unknown as RolloutCommand,
    path: 'issuedBy',
  },
];

describe('rolloutCommandSchema', () => {
  it.each(invalidCommands)('rejects $name at $path', ({ command, path }) => {
    const parsed = rolloutCommandSchema.safeParse(command);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it.each(invalidCommands)(
    'applyCommand refuses $name as INVALID_COMMAND naming the field',
    ({ command, path }) => {
      const result = applyCommand(undefined, command, NOW);
      expect(result).toMatchObject({
        outcome: 'REJECTED',
        state: undefined,
        reason: { code: 'INVALID_COMMAND' },
      });
      if (result.outcome === 'REJECTED') expect(result.reason.message).toContain(path);
    },
  );

  it('accepts valid commands unchanged (no trimming or coercion)', () => {
    const command = startCommand({ commandId: ' padded ' });
    expect(rolloutCommandSchema.parse(command)).toEqual(command);
    expect(
      rolloutCommandSchema.safeParse(commandOn(stateIn('CANARY'), RolloutAction.PAUSE)).success,
    ).toBe(true);
  });
});

describe('rolloutStateSchema', () => {
  it.each(SOURCES)('accepts the %s fixture state', (source) => {
    expect(rolloutStateSchema.safeParse(stateIn(source)).success).toBe(true);
  });

  it("accepts the contract's example state and one written before stepStartedAt (default 0)", () => {
    const example = exampleEvents.RolloutState;
    expect(rolloutStateSchema.safeParse(example).success).toBe(true);
    expect(rolloutStateSchema.safeParse({ ...example, stepStartedAt: 0 }).success).toBe(true);
  });

  const broken: Array<{ name: string; state: RolloutState; path: string }> = [
    {
      name: 'PAUSED without pausedFrom',
      state: { ...stateIn('PAUSED_FROM_CANARY'), pausedFrom: null },
      path: 'pausedFrom',
    },
    {
      name: 'pausedFrom while CANARY',
      state: { ...stateIn('CANARY'), pausedFrom: 'SHADOW' },
      path: 'pausedFrom',
    },
    {
      name: 'SHADOW with weight',
      state: { ...stateIn('SHADOW'), canaryWeight: 0.1 },
      path: 'canaryWeight',
    },
    { name: 'SHADOW at a step', state: { ...stateIn('SHADOW'), stepIndex: 0 }, path: 'stepIndex' },
    {
      name: 'CANARY before step 0',
      state: { ...stateIn('CANARY'), stepIndex: -1 },
      path: 'stepIndex',
    },
    { name: 'live without canary', state: { ...stateIn('CANARY'), canary: null }, path: 'canary' },
    {
      name: 'PROMOTED with a canary',
      state: { ...stateIn('PROMOTED'), canary: 'v9' },
      path: 'canary',
    },
    {
      name: 'ROLLED_BACK with weight',
      state: { ...stateIn('ROLLED_BACK'), canaryWeight: 0.5 },
      path: 'canaryWeight',
    },
    {
      name: 'terminal with shadows',
      state: { ...stateIn('PROMOTED'), shadows: ['v3'] },
      path: 'shadows',
    },
    {
      name: 'weight above 1',
      state: { ...stateIn('CANARY'), canaryWeight: 2 },
      path: 'canaryWeight',
    },
    { name: 'seq 0', state: { ...stateIn('CANARY'), seq: 0 }, path: 'seq' },
    {
      name: 'updated before started',
      state: { ...stateIn('CANARY'), updatedAt: NOW - 1 },
      path: 'updatedAt',
    },
    {
      name: 'step started after the last update',
      state: { ...stateIn('CANARY'), stepStartedAt: NOW + 1 },
      path: 'stepStartedAt',
    },
    {
      name: 'too many recent ids',
      state: {
        ...stateIn('CANARY'),
        recentCommandIds: Array.from({ length: RECENT_COMMAND_IDS_LIMIT + 1 }, (_, i) => `c${i}`),
      },
      path: 'recentCommandIds',
    },
  ];

  it.each(broken)('rejects $name at $path', ({ state, path }) => {
    const parsed = rolloutStateSchema.safeParse(state);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
