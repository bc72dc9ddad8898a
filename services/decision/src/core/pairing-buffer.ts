/**
 * Pairs two observations of the same request (the stable's and the shadow copy's), which arrive
 * separately and in either order. Bounded: at most `limit` requests wait for their partner; when
 * full, the one waiting longest is evicted (and counted), so a variant that stops answering
 * cannot grow the buffer. Partners normally arrive within seconds of each other (both
 * predictions are made on the same request, and the evaluator joins both with the same label),
 * so a bound of thousands loses nothing at ordinary rates.
 */
export type PairSide = 'stable' | 'shadow';

export class PairingBuffer<V> {
  private readonly waiting = new Map<string, { side: PairSide; value: V }>();
  /** Requests evicted unpaired because the buffer was full. */
  evicted = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.waiting.size;
  }

  /**
   * Offers one side of a request. Returns the partner's value when the other side was waiting
   * (the pair is then complete and forgotten); otherwise keeps this side and returns undefined.
   * A repeated side for a waiting request is ignored (the first one stays).
   */
  offer(requestId: string, side: PairSide, value: V): { readonly partner: V } | undefined {
    const other = this.waiting.get(requestId);
    if (other !== undefined) {
      if (other.side === side) return undefined;
      this.waiting.delete(requestId);
      return { partner: other.value };
    }
    if (this.waiting.size >= this.limit) {
      const oldest = this.waiting.keys().next();
      if (oldest.done !== true) this.waiting.delete(oldest.value);
      this.evicted += 1;
    }
    this.waiting.set(requestId, { side, value });
    return undefined;
  }

  clear(): void {
    this.waiting.clear();
  }
}
