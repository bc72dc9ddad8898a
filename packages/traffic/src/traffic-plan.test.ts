import { describe, expect, it } from 'vitest';
import { dueOffsetMs, requestIdFor, requestsDue, routingKeyFor } from './traffic-plan.js';

describe('traffic plan', () => {
  it.each([
    [0, 100, 1_000, 1],
    [9, 100, 1_000, 1],
    [10, 100, 1_000, 2],
    [1_000, 100, 1_000, 101],
    [1_000, 100, 50, 50],
    [-5, 100, 1_000, 1],
    [2_500, 0.5, 10, 2],
  ])('at %d ms and %d/s, %d requests in total: %d due', (elapsed, rate, total, expected) => {
    expect(requestsDue(elapsed, rate, total)).toBe(expected);
  });

  it('schedules request i at i / rate seconds', () => {
    expect(dueOffsetMs(0, 200)).toBe(0);
    expect(dueOffsetMs(50, 200)).toBe(250);
  });

  it('draws routing keys from the user population, all of it over time', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => routingKeyFor(9, i, 50));
    expect(new Set(keys).size).toBe(50);
    expect(keys.every((k) => /^user-(\d|[1-4]\d)$/.test(k))).toBe(true);
    expect(routingKeyFor(9, 17, 50)).toBe(keys[17]);
  });

  it('names requests by run and index', () => {
    expect(requestIdFor('ab12', 7)).toBe('ab12-7');
  });
});
