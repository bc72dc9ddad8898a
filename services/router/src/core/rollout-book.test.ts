import { describe, expect, it } from 'vitest';
import { RolloutBook, type BookChange } from '@kanary/rollout';
import { NOW, on, start, stateAfter } from './router.fixtures.js';

const canary = stateAfter(start());
const raised = stateAfter(
  start({ commandId: 'a' }),
  on(canary, 'SET_WEIGHT', { canaryWeight: 0.5 }),
);
const rejected = (at: number, commandId: string) => ({
  ...canary,
  lastCommand: { ...canary.lastCommand!, commandId, outcome: 'REJECTED' as const, at },
});

describe('RolloutBook', () => {
  it.each([
    { name: 'a first state', held: undefined, offered: canary, taken: true },
    { name: 'a higher seq', held: canary, offered: raised, taken: true },
    { name: 'a lower seq', held: raised, offered: canary, taken: false },
    { name: 'the same state again', held: canary, offered: { ...canary }, taken: false },
    {
      name: 'a later rejection at the same seq',
      held: canary,
      offered: rejected(NOW + 5, 'x'),
      taken: true,
    },
    {
      name: 'an earlier rejection at the same seq',
      held: rejected(NOW + 5, 'x'),
      offered: rejected(NOW + 1, 'y'),
      taken: false,
    },
  ])('offer of $name → taken $taken', ({ held, offered, taken }) => {
    const book = new RolloutBook();
    if (held !== undefined) book.offer(held);
    expect(book.offer(offered)).toBe(taken);
    expect(book.get('weather')).toBe(taken ? offered : held);
  });

  it('rebuilds the routing table on a change and tells the listeners', () => {
    const book = new RolloutBook({ weather: 'v0', other: 'o1' });
    const changes: BookChange[] = [];
    const unsubscribe = book.subscribe((change) => changes.push(change));
    expect(book.table.rollouts.size).toBe(0);
    book.offer(canary);
    expect(book.table.rollouts.get('weather')?.canaryWeight).toBe(0.2);
    book.offer(raised);
    expect(book.table.rollouts.get('weather')?.canaryWeight).toBe(0.5);
    expect(book.remove('weather')).toBe(true);
    expect(book.remove('weather')).toBe(false);
    unsubscribe();
    book.offer(canary);
    expect(changes.map((c) => c.state?.canaryWeight)).toEqual([0.2, 0.5, undefined]);
    expect(book.defaultVariant('other')).toBe('o1');
    expect(book.table.defaultVariants.get('weather')).toBe('v0');
  });

  it('lists states by model name', () => {
    const book = new RolloutBook();
    book.offer({ ...canary, model: 'zeta' });
    book.offer({ ...canary, model: 'alpha' });
    expect(book.list().map((s) => s.model)).toEqual(['alpha', 'zeta']);
  });
});
