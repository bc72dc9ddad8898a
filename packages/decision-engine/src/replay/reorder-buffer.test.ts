import { describe, expect, it } from 'vitest';
import { ReorderBuffer } from './reorder-buffer.js';

interface Item {
  readonly time: number;
  readonly name: string;
}

function run(items: readonly Item[], slackMs: number, maxHeld = 1_000): string[] {
  const buffer = new ReorderBuffer<Item>({ slackMs, maxHeld }, (a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const out: string[] = [];
  const release = (item: Item, late: boolean) => out.push(late ? `${item.name}!` : item.name);
  for (const item of items) buffer.push(item, item.time, release);
  buffer.drain(release);
  return out;
}

describe('ReorderBuffer', () => {
  it('puts items at most the slack late back in time order', () => {
    const items = [
      { time: 100, name: 'b' },
      { time: 50, name: 'a' },
      { time: 300, name: 'd' },
      { time: 250, name: 'c' },
      { time: 500, name: 'e' },
    ];
    expect(run(items, 100)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('passes on an item older than one already released at once, flagged late', () => {
    const items = [
      { time: 100, name: 'a' },
      { time: 400, name: 'c' }, // releases a (400 − 100 ≥ 100)
      { time: 50, name: 'x' }, // older than a: too late to be put in order
      { time: 450, name: 'd' },
    ];
    expect(run(items, 100)).toEqual(['a', 'x!', 'c', 'd']);
  });

  it('orders items of the same time by content, whatever their arrival order', () => {
    const forward = run(
      [
        { time: 1, name: 'p' },
        { time: 1, name: 'q' },
      ],
      10,
    );
    const backward = run(
      [
        { time: 1, name: 'q' },
        { time: 1, name: 'p' },
      ],
      10,
    );
    expect(forward).toEqual(['p', 'q']);
    expect(backward).toEqual(forward);
  });

  it('releases the oldest early when it holds maxHeld items', () => {
    const buffer = new ReorderBuffer<Item>({ slackMs: 1_000_000, maxHeld: 2 });
    const out: string[] = [];
    for (const [time, name] of [
      [3, 'c'],
      [1, 'a'],
      [2, 'b'],
      [4, 'd'],
    ] as const) {
      buffer.push({ time, name }, time, (item) => out.push(item.name));
      expect(buffer.size).toBeLessThanOrEqual(2);
    }
    expect(out).toEqual(['a', 'b']);
  });
});
