import { describe, expect, it } from 'vitest';
import { seededRandom } from './join.fixtures.js';
import { ENTRY_OVERHEAD_BYTES, InMemoryJoinStore } from './memory-join-store.js';

/** Drains the store in expiry order through `earliest`, deleting as it goes. */
function drain(store: InMemoryJoinStore): Array<[string, number]> {
  const order: Array<[string, number]> = [];
  for (let next = store.earliest(); next !== undefined; next = store.earliest()) {
    order.push([next.key, next.expiresAt]);
    store.delete(next.key);
  }
  return order;
}

describe('InMemoryJoinStore', () => {
  it('orders by deadline, ties by key, whatever the insertion order', () => {
    const store = new InMemoryJoinStore();
    store.put('c', 'x', 20);
    store.put('b', 'x', 10);
    store.put('d', 'x', 10);
    store.put('a', 'x', 30);
    store.put('a', 'y', 5); // rescheduled earlier
    expect(drain(store)).toEqual([
      ['a', 5],
      ['b', 10],
      ['d', 10],
      ['c', 20],
    ]);
    expect(store.size).toBe(0);
  });

  it('keeps heap order against a sorted reference through random puts, moves and deletes', () => {
    const random = seededRandom(7);
    const store = new InMemoryJoinStore();
    const reference = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const key = `k${Math.floor(random() * 400)}`;
      if (random() < 0.3) {
        expect(store.delete(key)).toBe(reference.delete(key));
      } else {
        const deadline = Math.floor(random() * 50); // many ties
        store.put(key, `v${i}`, deadline);
        reference.set(key, deadline);
      }
      expect(store.size).toBe(reference.size);
    }
    const expected = [...reference].sort(([ka, a], [kb, b]) => a - b || (ka < kb ? -1 : 1));
    expect(drain(store)).toEqual(expected);
  });

  it('iterates due entries in order and refuses an entry that was neither deleted nor moved', () => {
    const store = new InMemoryJoinStore();
    store.put('late', 'x', 100);
    store.put('b', 'x', 2);
    store.put('a', 'x', 1);
    const seen: string[] = [];
    for (const ref of store.iterateByExpiry(50)) {
      seen.push(ref.key);
      if (ref.key === 'a') store.put('a', 'x', 200);
      else store.delete(ref.key);
    }
    expect(seen).toEqual(['a', 'b']);
    expect(store.earliest()).toEqual({ key: 'late', expiresAt: 100 });
    expect(() => [...store.iterateByExpiry(150)]).toThrow(/neither deleted nor rescheduled/);
  });

  it('accounts bytes linearly per entry and returns to zero', () => {
    const store = new InMemoryJoinStore();
    const value = 'v'.repeat(200);
    const perEntry = ENTRY_OVERHEAD_BYTES + 2 * ('key-00000'.length + value.length);
    for (let n = 1; n <= 1000; n++) {
      store.put(`key-${String(n).padStart(5, '0')}`, value, n);
      expect(store.approximateBytes).toBe(n * perEntry);
    }
    store.put('key-00001', value + 'more', 1);
    expect(store.approximateBytes).toBe(1000 * perEntry + 2 * 'more'.length);
    for (const [key] of [...store.entries()]) store.delete(key);
    expect(store.approximateBytes).toBe(0);
    store.put('k', 'v', 1);
    store.clear();
    expect([store.size, store.approximateBytes, store.earliest()]).toEqual([0, 0, undefined]);
  });
});
