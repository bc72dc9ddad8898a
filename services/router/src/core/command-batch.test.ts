import type { RolloutState } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { applyCommandBatch } from './command-batch.js';
import { NOW, on, start, stateAfter } from './router.fixtures.js';

const none = (): RolloutState | undefined => undefined;

describe('applyCommandBatch', () => {
  it('applies each command to the state its predecessor left', () => {
    const first = start();
    const s1 = stateAfter(first);
    const raise = on(s1, 'SET_WEIGHT', { canaryWeight: 0.5, issuedBy: 'DECISION' });
    const s2 = stateAfter(first, raise);
    const pause = on(s2, 'PAUSE');
    const outcome = applyCommandBatch(none, [first, raise, pause], NOW);
    expect(outcome.results.map((r) => r.result.outcome)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    expect(outcome.states.map((s) => [s.seq, s.phase, s.canaryWeight])).toEqual([
      [1, 'CANARY', 0.2],
      [2, 'CANARY', 0.5],
      [3, 'PAUSED', 0.5],
    ]);
    expect(outcome.unrecorded).toEqual([]);
  });

  it('publishes nothing for a duplicate', () => {
    const first = start();
    const outcome = applyCommandBatch(none, [first, first], NOW);
    expect(outcome.results.map((r) => r.result.outcome)).toEqual(['APPLIED', 'DUPLICATE']);
    expect(outcome.states).toHaveLength(1);
  });

  it('publishes a rejection on a model with a state, recorded in lastCommand', () => {
    const current = stateAfter(start());
    const stale = on(current, 'SET_WEIGHT', { canaryWeight: 0.5, basedOnSeq: 0 });
    const outcome = applyCommandBatch(() => current, [stale], NOW);
    expect(outcome.states).toHaveLength(1);
    expect(outcome.states[0]).toMatchObject({
      seq: current.seq,
      canaryWeight: 0.2,
      lastCommand: { commandId: stale.commandId, outcome: 'REJECTED', reasonCode: 'STALE_SEQ' },
    });
  });

  it('rejects every command after a ROLLBACK except a new START', () => {
    const first = start();
    const s1 = stateAfter(first);
    const rollback = on(s1, 'ROLLBACK');
    const late = on(stateAfter(first, rollback), 'SET_WEIGHT', { canaryWeight: 0.5 });
    const outcome = applyCommandBatch(none, [first, rollback, late], NOW);
    expect(outcome.results[2]?.result).toMatchObject({
      outcome: 'REJECTED',
      reason: { code: 'ROLLOUT_FINISHED' },
    });
    expect(outcome.states.at(-1)).toMatchObject({ phase: 'ROLLED_BACK', seq: 2 });
  });

  it('hands back rejections that no state can record', () => {
    const orphan = start({ action: 'PAUSE', canaryWeight: null });
    const outcome = applyCommandBatch(none, [orphan], NOW);
    expect(outcome.states).toEqual([]);
    expect(outcome.unrecorded).toHaveLength(1);
    expect(outcome.unrecorded[0]?.result).toMatchObject({ reason: { code: 'NO_ROLLOUT' } });
  });

  it('keeps models apart', () => {
    const a = start({ model: 'a' });
    const b = start({ model: 'b', canaryWeight: 0.7 });
    const outcome = applyCommandBatch(none, [a, b], NOW);
    expect(outcome.states.map((s) => [s.model, s.seq, s.canaryWeight])).toEqual([
      ['a', 1, 0.2],
      ['b', 1, 0.7],
    ]);
  });
});
