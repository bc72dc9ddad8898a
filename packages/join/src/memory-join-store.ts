/**
 * `JoinStore` in memory: a Map from key to a small node holding the encoded value, plus an
 * indexed binary min-heap of the same nodes ordered by (expiresAt, key). Every operation is
 * O(log n) at most; memory is the encoded text plus a fixed overhead per key, so it grows
 * linearly and predictably with the number of keys.
 *
 * The heap is hand-written because each node must know its position: a put that moves a
 * deadline and a delete of an arbitrary key are O(log n) here, where the common heap packages
 * (heap-js, @datastructures-js/priority-queue) find an arbitrary element by linear search.
 */
import type { ExpiryRef, JoinStore, StoredValue } from './join-store.js';

interface Node {
  readonly key: string;
  value: StoredValue;
  expiresAt: number;
  /** Position in the heap array, kept current on every move. */
  index: number;
  bytes: number;
}

/**
 * Estimated bytes per key beyond its text, on 64-bit V8: Map slot and hash entry (~40), the
 * node object with five fields (~56), a boxed double for the deadline (16), the heap slot (8)
 * and two string headers (2 × 16). An estimate for capacity planning, not a measurement.
 */
export const ENTRY_OVERHEAD_BYTES = 152;

/**
 * A byte value's own object beyond the string header counted in ENTRY_OVERHEAD_BYTES: a Node
 * Buffer (a typed array, ~64 bytes of heap), whose bytes are held outside the heap.
 */
export const BYTES_VALUE_OVERHEAD = 48;

/**
 * Strings are counted at two bytes a character: exact for two-byte strings, an upper bound
 * otherwise; byte values at their length plus their object.
 */
function nodeBytes(key: string, value: StoredValue): number {
  const valueBytes =
    typeof value === 'string' ? 2 * value.length : BYTES_VALUE_OVERHEAD + value.byteLength;
  return ENTRY_OVERHEAD_BYTES + 2 * key.length + valueBytes;
}

function before(a: Node, b: Node): boolean {
  return a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.key < b.key);
}

export class InMemoryJoinStore implements JoinStore {
  private readonly nodes = new Map<string, Node>();
  private readonly heap: Node[] = [];
  private bytes = 0;
  /**
   * The node the last `get` found: the join reads a key and then writes it, and a lookup in a
   * map of 10⁵–10⁶ keys is a cache miss or two, so the write reuses the read's.
   */
  private recent: Node | undefined;

  get size(): number {
    return this.nodes.size;
  }

  get approximateBytes(): number {
    return this.bytes;
  }

  get(key: string): StoredValue | undefined {
    const node = this.nodes.get(key);
    this.recent = node;
    return node?.value;
  }

  put(key: string, value: StoredValue, expiresAt: number): void {
    const recent = this.recent;
    const existing = recent !== undefined && recent.key === key ? recent : this.nodes.get(key);
    const bytes = nodeBytes(key, value);
    if (existing === undefined) {
      const node: Node = { key, value, expiresAt, index: this.heap.length, bytes };
      this.nodes.set(key, node);
      this.heap.push(node);
      this.bytes += bytes;
      this.siftUp(node.index);
      return;
    }
    this.bytes += bytes - existing.bytes;
    existing.value = value;
    existing.bytes = bytes;
    if (existing.expiresAt !== expiresAt) {
      existing.expiresAt = expiresAt;
      this.restoreOrder(existing.index);
    }
  }

  delete(key: string): boolean {
    const node = this.nodes.get(key);
    if (node === undefined) return false;
    if (node === this.recent) this.recent = undefined;
    this.nodes.delete(key);
    this.bytes -= node.bytes;
    const last = this.heap.pop() as Node;
    if (last !== node) {
      this.place(last, node.index);
      this.restoreOrder(last.index);
    }
    return true;
  }

  earliest(): ExpiryRef | undefined {
    const top = this.heap[0];
    return top === undefined ? undefined : { key: top.key, expiresAt: top.expiresAt };
  }

  *iterateByExpiry(upTo: number): Generator<ExpiryRef> {
    let previous: ExpiryRef | undefined;
    for (let next = this.earliest(); next !== undefined && next.expiresAt <= upTo;) {
      if (previous?.key === next.key && previous.expiresAt === next.expiresAt) {
        throw new Error(`iterateByExpiry: ${next.key} was neither deleted nor rescheduled`);
      }
      yield next;
      previous = next;
      next = this.earliest();
    }
  }

  *entries(): Generator<readonly [string, StoredValue]> {
    for (const node of this.nodes.values()) yield [node.key, node.value];
  }

  clear(): void {
    this.recent = undefined;
    this.nodes.clear();
    this.heap.length = 0;
    this.bytes = 0;
  }

  private restoreOrder(index: number): void {
    if (!this.siftUp(index)) this.siftDown(index);
  }

  /** Moves the node at `index` towards the root; true if it moved. */
  private siftUp(index: number): boolean {
    const heap = this.heap;
    const node = heap[index] as Node;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as Node;
      if (!before(node, parent)) break;
      this.place(parent, i);
      i = parentIndex;
    }
    this.place(node, i);
    return i !== index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const node = heap[index] as Node;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      let child = heap[left] as Node;
      let childIndex = left;
      if (right < heap.length && before(heap[right] as Node, child)) {
        child = heap[right] as Node;
        childIndex = right;
      }
      if (!before(child, node)) break;
      this.place(child, i);
      i = childIndex;
    }
    this.place(node, i);
  }

  private place(node: Node, index: number): void {
    this.heap[index] = node;
    node.index = index;
  }
}
