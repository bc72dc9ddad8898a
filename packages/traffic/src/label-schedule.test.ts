import { describe, expect, it } from 'vitest';
import { LabelSchedule } from './label-schedule.js';

const label = (requestId: string, dueAt: number) => ({ requestId, model: 'm', label: 'a', dueAt });

describe('LabelSchedule', () => {
  it('hands out due labels earliest first, ties in insertion order', () => {
    const schedule = new LabelSchedule();
    for (const [id, due] of [
      ['c', 30],
      ['a', 10],
      ['b1', 20],
      ['b2', 20],
      ['d', 40],
    ] as const)
      schedule.add(label(id, due));
    expect(schedule.size).toBe(5);
    expect(schedule.nextDueAt()).toBe(10);
    expect(schedule.takeDue(5)).toEqual([]);
    expect(schedule.takeDue(20).map((l) => l.requestId)).toEqual(['a', 'b1', 'b2']);
    expect(schedule.nextDueAt()).toBe(30);
    expect(schedule.takeDue(100, 1).map((l) => l.requestId)).toEqual(['c']);
    expect(schedule.size).toBe(1);
    expect(schedule.clear()).toBe(1);
    expect(schedule.nextDueAt()).toBeUndefined();
  });

  it('keeps order over many random insertions', () => {
    const schedule = new LabelSchedule();
    const dues = Array.from({ length: 1_000 }, (_, i) => (i * 7_919) % 1_009);
    dues.forEach((d, i) => schedule.add(label(`r${i}`, d)));
    const out = schedule.takeDue(Number.POSITIVE_INFINITY).map((l) => l.dueAt);
    expect(out).toEqual([...dues].sort((a, b) => a - b));
  });
});
