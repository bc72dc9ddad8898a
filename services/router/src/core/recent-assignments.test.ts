import { describe, expect, it } from 'vitest';
import { RecentAssignments } from './recent-assignments.js';

const key = { model: 'weather', routingKey: 'u1' };
const T = 1_000_000;

describe('RecentAssignments', () => {
  it.each([
    { name: 'an unknown requestId', id: 'other', at: T + 1, lookup: { kind: 'new' } },
    { name: 'a retry at once', id: 'r1', at: T, lookup: { kind: 'retry', answer: 'A' } },
    {
      name: 'a retry just inside the window',
      id: 'r1',
      at: T + 59_999,
      lookup: { kind: 'retry', answer: 'A' },
    },
    { name: 'a retry at the end of the window', id: 'r1', at: T + 60_000, lookup: { kind: 'new' } },
  ])('answers $name', ({ id, at, lookup }) => {
    const recent = new RecentAssignments<string>({ windowMs: 60_000, maxRequests: 10 });
    recent.remember('r1', key, 'A', T);
    expect(recent.lookup(id, key, at)).toEqual(lookup);
  });

  it.each([
    { name: 'another model', retry: { model: 'other', routingKey: 'u1' } },
    { name: 'another routing key', retry: { model: 'weather', routingKey: 'u2' } },
    { name: 'no routing key', retry: { model: 'weather', routingKey: null } },
  ])('refuses a retry with $name, naming what the first request had', ({ retry }) => {
    const recent = new RecentAssignments<string>({ windowMs: 60_000, maxRequests: 10 });
    recent.remember('r1', key, 'A', T);
    const lookup = recent.lookup('r1', retry, T + 2_000);
    expect(lookup).toMatchObject({ kind: 'conflict' });
    expect(lookup.kind === 'conflict' && lookup.message).toBe(
      'requestId "r1" was assigned 2 s ago for model "weather" and routingKey "u1"; ' +
        'a retry must repeat both, another request needs another requestId',
    );
  });

  it('forgets the oldest requestId past the limit, however recent', () => {
    const recent = new RecentAssignments<string>({ windowMs: 60_000, maxRequests: 2 });
    recent.remember('r1', key, 'A', T);
    recent.remember('r2', key, 'B', T + 1);
    recent.remember('r3', key, 'C', T + 2);
    expect(recent.size).toBe(2);
    expect(recent.lookup('r1', key, T + 3)).toEqual({ kind: 'new' });
    expect(recent.lookup('r2', key, T + 3)).toEqual({ kind: 'retry', answer: 'B' });
    expect(recent.lookup('r3', key, T + 3)).toEqual({ kind: 'retry', answer: 'C' });
  });

  it('lets expired requestIds go, so memory follows the rate within the window', () => {
    const recent = new RecentAssignments<number>({ windowMs: 1_000, maxRequests: 1_000 });
    for (let i = 0; i < 100; i += 1) recent.remember(`r${i}`, key, i, T + i * 100);
    // At T + 9,900 only the requests of the last second are held.
    expect(recent.size).toBe(10);
    expect(recent.lookup('r89', key, T + 9_900)).toEqual({ kind: 'new' });
    expect(recent.lookup('r90', key, T + 9_900)).toEqual({ kind: 'retry', answer: 90 });
  });

  it('forgets an answer whose recording failed, but not a newer one', () => {
    const recent = new RecentAssignments<string>({ windowMs: 60_000, maxRequests: 10 });
    recent.remember('r1', key, 'failed', T);
    recent.forget('r1', 'failed');
    expect(recent.lookup('r1', key, T + 1)).toEqual({ kind: 'new' });
    recent.remember('r1', key, 'second', T + 2);
    recent.forget('r1', 'failed');
    expect(recent.lookup('r1', key, T + 3)).toEqual({ kind: 'retry', answer: 'second' });
  });

  it.each([
    { windowMs: 0, maxRequests: 10 },
    { windowMs: 60_000, maxRequests: 0 },
  ])('holds nothing when turned off (%o)', (options) => {
    const recent = new RecentAssignments<string>(options);
    recent.remember('r1', key, 'A', T);
    expect(recent.enabled).toBe(false);
    expect(recent.size).toBe(0);
    expect(recent.lookup('r1', key, T)).toEqual({ kind: 'new' });
  });
});
