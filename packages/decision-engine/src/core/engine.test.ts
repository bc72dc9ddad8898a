import { describe, expect, it } from 'vitest';
import { IssuedBy, Role, RolloutAction, type RolloutState } from '@kanary/contracts';
import { applyCommand, commandOnState } from '@kanary/rollout';
import { createDecisionEngine } from './engine.js';
import {
  MINUTE,
  feed,
  T0,
  canaryEvaluation,
  evaluation,
  routed,
  startedState,
} from './engine.fixtures.js';

/** Fast-maturing policy so tests need few minutes of simulated time. */
const POLICY = { labelMaturityMs: MINUTE, minSamplesPerStep: 50 };

describe('createDecisionEngine', () => {
  it('rolls back a clearly worse canary once, with a deterministic command based on the judged seq', () => {
    const engine = createDecisionEngine();
    const state = startedState(POLICY);
    engine.onState(state);
    feed(engine, { stable: 39_600, canary: 400 }, { stable: 0.85, canary: 0.6 });
    const now = T0 + 5 * MINUTE;
    const first = engine.tick(now);
    expect(first.commands).toHaveLength(1);
    expect(first.commands[0]).toMatchObject({
      commandId: `r1:${state.seq}:ROLLBACK`,
      action: 'ROLLBACK',
      basedOnSeq: state.seq,
      issuedBy: 'DECISION',
      rolloutId: 'r1',
      issuedAt: now,
    });
    expect(first.reports).toHaveLength(1);
    expect(first.reports[0]).toMatchObject({
      action: 'ROLLBACK',
      commandId: `r1:${state.seq}:ROLLBACK`,
      phase: 'CANARY',
      stepIndex: 0,
      canaryWeight: 0.01,
      at: now,
    });
    expect(JSON.parse(first.reports[0]?.details ?? '{}')).toMatchObject({
      code: 'GUARDRAIL_FAILED',
    });
    // Same seq: nothing more until the state changes.
    expect(engine.tick(now + MINUTE)).toEqual({ reports: [], commands: [], awaitingApproval: [] });
    const command = first.commands[0];
    if (command === undefined) throw new Error('no command');
    const applied = applyCommand(state, command, now + 1);
    expect(applied.outcome).toBe('APPLIED');
    engine.onState(applied.state as RolloutState);
    expect(engine.tick(now + 2 * MINUTE)).toEqual({
      reports: [],
      commands: [],
      awaitingApproval: [],
    });
    engine.onEvaluation(canaryEvaluation());
    expect(engine.tick(now + 3 * MINUTE)).toEqual({
      reports: [],
      commands: [],
      awaitingApproval: [],
    });
  });

  it('advances a good canary to the next step and judges the new step afresh', () => {
    const engine = createDecisionEngine();
    let state = startedState({ ...POLICY, steps: [0.1, 0.5] }, { canaryWeight: 0.1 });
    engine.onState(state);
    feed(engine, { stable: 90_000, canary: 10_000 }, { stable: 0.85, canary: 0.86 });
    const out = engine.tick(T0 + 5 * MINUTE);
    expect(out.commands[0]).toMatchObject({
      action: 'SET_WEIGHT',
      canaryWeight: 0.5,
      stepIndex: 1,
    });
    state = applyCommand(state, out.commands[0]!, T0 + 5 * MINUTE).state as RolloutState;
    engine.onState(state);
    const next = engine.tick(T0 + 6 * MINUTE);
    expect(next.commands).toEqual([]);
    expect(next.reports[0]).toMatchObject({ action: 'HOLD', stepIndex: 1 });
    expect(next.reports[0]?.evidence.find((e) => e.metric === 'stepSamples')?.outcome).toBe(
      'INCONCLUSIVE',
    );
  });

  it('reports once when the router rejects its command, then waits for the state to change', () => {
    const engine = createDecisionEngine();
    const state = startedState(POLICY);
    engine.onState(state);
    feed(engine, { stable: 39_600, canary: 400 }, { stable: 0.85, canary: 0.6 });
    const [command] = engine.tick(T0 + 5 * MINUTE).commands;
    if (command === undefined) throw new Error('no command');
    engine.onState({
      ...state,
      lastCommand: {
        commandId: command.commandId,
        action: command.action,
        issuedBy: command.issuedBy,
        outcome: 'REJECTED',
        reasonCode: 'STALE_SEQ',
        message: 'stale',
        issuedAt: command.issuedAt,
        at: T0 + 5 * MINUTE,
        fromPhase: state.phase,
      },
    });
    const out = engine.tick(T0 + 6 * MINUTE);
    expect(out.commands).toEqual([]);
    expect(out.reports[0]).toMatchObject({ action: 'HOLD', commandId: null });
    expect(out.reports[0]?.reason).toContain(`rejected ${command.commandId} (STALE_SEQ: stale)`);
    expect(engine.tick(T0 + 7 * MINUTE)).toEqual({
      reports: [],
      commands: [],
      awaitingApproval: [],
    });
  });

  it('rate-limits HOLD reports, and reports again when the reason changes', () => {
    const engine = createDecisionEngine({ holdReportIntervalMs: 10 * MINUTE });
    engine.onState(startedState(POLICY));
    const reports = (now: number) => engine.tick(now).reports.map((r) => r.action);
    expect(reports(T0 + MINUTE)).toEqual(['HOLD']);
    expect(reports(T0 + 2 * MINUTE)).toEqual([]);
    expect(reports(T0 + 11 * MINUTE)).toEqual(['HOLD']);
    // The step times out: another code, reported at once (onStepTimeout 'hold').
    const timedOut = createDecisionEngine({ holdReportIntervalMs: 10 * MINUTE });
    timedOut.onState(
      startedState({ ...POLICY, maxStepDurationMs: 3 * MINUTE, onStepTimeout: 'hold' }),
    );
    const codes = (now: number) =>
      timedOut.tick(now).reports.map((r) => JSON.parse(r.details ?? '{}').code);
    expect(codes(T0 + MINUTE)).toEqual(['NOT_ENOUGH_DATA']);
    expect(codes(T0 + 3 * MINUTE)).toEqual(['STEP_TIMEOUT']);
    expect(codes(T0 + 4 * MINUTE)).toEqual([]);
  });

  it('with checkSampleRatio false, judges a split unlike the weight in force instead of pausing', () => {
    // Half the routed requests on a 1 % canary: a mismatch, unless the split was not set by
    // this rollout's weights (an offline replay of recorded traffic).
    const outputs = [true, false].map((checkSampleRatio) => {
      const engine = createDecisionEngine({ checkSampleRatio });
      engine.onState(startedState(POLICY));
      feed(engine, { stable: 20_000, canary: 20_000 }, { stable: 0.85, canary: 0.86 });
      return engine.tick(T0 + 5 * MINUTE);
    });
    const [checked, unchecked] = outputs;
    const sampleRatio = (out: typeof checked) =>
      out?.reports[0]?.evidence.find((e) => e.metric === 'sampleRatio')?.outcome;
    expect(checked?.commands[0]?.action).toBe('PAUSE');
    expect(sampleRatio(checked)).toBe('FAIL');
    expect(unchecked?.commands[0]).toMatchObject({ action: 'SET_WEIGHT', canaryWeight: 0.05 });
    expect(sampleRatio(unchecked)).toBe('NOT_APPLICABLE');
  });

  it('does not judge a paused rollout', () => {
    const engine = createDecisionEngine();
    const state = startedState(POLICY);
    const paused = applyCommand(state, pauseOf(state), T0 + 1).state as RolloutState;
    expect(paused.phase).toBe('PAUSED');
    engine.onState(paused);
    feed(engine, { stable: 39_600, canary: 400 }, { stable: 0.85, canary: 0.5 });
    expect(engine.tick(T0 + 5 * MINUTE)).toEqual({
      reports: [],
      commands: [],
      awaitingApproval: [],
    });
  });

  it('pauses a rollout whose policy is invalid, naming the field', () => {
    const engine = createDecisionEngine();
    engine.onState(startedState({ steps: [0.5, 0.1] } as never));
    const out = engine.tick(T0 + MINUTE);
    expect(out.commands[0]?.action).toBe('PAUSE');
    expect(out.reports[0]?.reason).toContain(
      'steps.1: must be greater than the previous step (0.5)',
    );
  });

  it('applies the default policy where the rollout is silent', () => {
    const engine = createDecisionEngine({ defaultPolicy: { steps: [0.1, 0.3] } });
    engine.onState(
      startedState({ labelMaturityMs: MINUTE, minSamplesPerStep: 50 }, { canaryWeight: 0.1 }),
    );
    feed(engine, { stable: 90_000, canary: 10_000 }, { stable: 0.85, canary: 0.86 });
    expect(engine.tick(T0 + 5 * MINUTE).commands[0]).toMatchObject({ canaryWeight: 0.3 });
  });

  it('counts inputs of unknown rollouts and outside rollouts, and judges no other variant', () => {
    const engine = createDecisionEngine();
    engine.onState(startedState(POLICY));
    engine.onEvaluation(evaluation({ rolloutId: 'other' }));
    engine.onRouted(routed({ rolloutId: 'other' }));
    engine.onEvaluation(evaluation({ rolloutId: null }));
    engine.onEvaluation(evaluation({ predictedAt: T0 - 1 }));
    engine.onRouted(routed({ variant: 'extra-shadow', role: Role.SHADOW, served: false }));
    engine.onRouted(routed({ variant: 'c', role: Role.CANARY }));
    engine.tick(T0 + 5 * MINUTE);
    expect(engine.diagnostics()).toMatchObject({ unknownRollout: 2, noRollout: 1, beforeStart: 1 });
    const [summary] = engine.summary(T0 + 5 * MINUTE);
    expect(summary?.arms.map((a) => [a.variant, a.routed])).toEqual([
      ['s', 0],
      ['c', 1],
    ]);
  });

  it('starts fresh statistics for a new rollout of the model and ignores older states', () => {
    const engine = createDecisionEngine();
    const first = startedState(POLICY);
    engine.onState(first);
    feed(engine, { stable: 1_000, canary: 100 }, { stable: 0.8, canary: 0.8 });
    const second = { ...first, rolloutId: 'r2', seq: first.seq + 5 };
    engine.onState(second);
    engine.onState(first);
    expect(engine.diagnostics().staleStates).toBe(1);
    engine.tick(T0 + 5 * MINUTE);
    const [summary] = engine.summary(T0 + 5 * MINUTE);
    expect(summary).toMatchObject({ rolloutId: 'r2' });
    expect(summary?.arms.map((a) => a.labelled)).toEqual([0, 0]);
  });

  it('summarises each arm', () => {
    const engine = createDecisionEngine();
    engine.onState(startedState(POLICY, { canaryWeight: 0.1 }));
    feed(engine, { stable: 1_000, canary: 100 }, { stable: 0.8, canary: 0.9 });
    engine.tick(T0 + 5 * MINUTE);
    const [summary] = engine.summary(T0 + 5 * MINUTE);
    expect(summary?.arms).toEqual([
      expect.objectContaining({
        variant: 's',
        role: 'STABLE',
        labelled: 1_000,
        accuracy: 0.8,
        routed: 1_000,
        errorRate: 0,
      }),
      expect.objectContaining({
        variant: 'c',
        role: 'CANARY',
        labelled: 100,
        accuracy: 0.9,
        routed: 100,
      }),
    ]);
    const canary = summary?.arms[1];
    expect(canary?.accuracyLower).toBeLessThan(0.9);
    expect(canary?.accuracyUpper).toBeGreaterThan(0.9);
    expect(canary?.latencyP95).toBeCloseTo(100, -1);
    expect(summary?.lastDecision?.action).toBe('HOLD');
  });

  it('gives the same outputs for the same inputs', () => {
    const run = () => {
      const engine = createDecisionEngine();
      engine.onState(startedState(POLICY));
      feed(engine, { stable: 5_000, canary: 300 }, { stable: 0.85, canary: 0.7 });
      return [engine.tick(T0 + 2 * MINUTE), engine.tick(T0 + 5 * MINUTE)];
    };
    expect(JSON.stringify(run())).toBe(JSON.stringify(run()));
  });
});

function pauseOf(state: RolloutState) {
  const issue = {
    commandId: 'op-pause',
    issuedAt: T0,
    issuedBy: IssuedBy.OPERATOR,
    reason: 'test',
  };
  return commandOnState(state, RolloutAction.PAUSE, issue);
}
