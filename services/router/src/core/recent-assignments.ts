/** What decides an assignment besides the rollout state, and so what a retry must repeat. */
export interface AssignmentKey {
  readonly model: string;
  readonly routingKey: string | null;
}

/** Limits of the retry window. */
export interface RecentAssignmentsOptions {
  /**
   * How long after its first assignment a requestId's retries are answered from memory instead
   * of being routed and recorded again, in ms; 0 turns the window off.
   */
  readonly windowMs: number;
  /**
   * Most requestIds remembered; past it the oldest is forgotten before its window ends, so
   * memory stays bounded whatever the request rate. 0 turns the window off.
   */
  readonly maxRequests: number;
}

/** What a request with a requestId seen before gets. */
export type RetryLookup<A> =
  | { readonly kind: 'new' }
  | { readonly kind: 'retry'; readonly answer: A }
  | { readonly kind: 'conflict'; readonly message: string };

interface Entry<A> extends AssignmentKey {
  readonly at: number;
  readonly answer: A;
}

/**
 * The requestIds this router instance assigned recently, with their answers, so that a retried
 * `POST /v1/assign` gets the first answer and is recorded on `inference.routed` once. Entries
 * leave after `windowMs` (counted from the first assignment, not refreshed by retries) or, the
 * oldest first, when `maxRequests` are held. A Map iterates in insertion order and every entry
 * lives equally long, so the oldest is always first: expiring and evicting cost O(1) each.
 * The answer type is open: the HTTP shell keeps the promise of a recording in flight, so that
 * a retry arriving before the first attempt finished waits for that one instead of recording
 * its own. Pure: the clock is passed in.
 */
export class RecentAssignments<A> {
  private readonly entries = new Map<string, Entry<A>>();

  constructor(private readonly options: RecentAssignmentsOptions) {}

  get enabled(): boolean {
    return this.options.windowMs > 0 && this.options.maxRequests > 0;
  }

  /** RequestIds held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * `retry` with the first answer when `requestId` was assigned within the window for the same
   * model and routing key; `conflict` when it was assigned for another one (a retry must repeat
   * them: another model or routing key is another request, and reusing its id would make two
   * requests one join key); `new` otherwise.
   */
  lookup(requestId: string, key: AssignmentKey, now: number): RetryLookup<A> {
    this.expire(now);
    const entry = this.entries.get(requestId);
    if (entry === undefined) return { kind: 'new' };
    if (entry.model === key.model && entry.routingKey === key.routingKey) {
      return { kind: 'retry', answer: entry.answer };
    }
    const seconds = Math.max(0, Math.round((now - entry.at) / 1_000));
    return {
      kind: 'conflict',
      message:
        `requestId ${JSON.stringify(requestId)} was assigned ${seconds} s ago for model ` +
        `${JSON.stringify(entry.model)} and routingKey ${JSON.stringify(entry.routingKey)}; ` +
        'a retry must repeat both, another request needs another requestId',
    };
  }

  /** Holds the answer of `requestId`'s first assignment, made at `now`. */
  remember(requestId: string, key: AssignmentKey, answer: A, now: number): void {
    if (!this.enabled) return;
    this.entries.delete(requestId);
    this.entries.set(requestId, { model: key.model, routingKey: key.routingKey, at: now, answer });
    this.expire(now);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxRequests) break;
      this.entries.delete(oldest);
    }
  }

  /** Drops `requestId` if it still holds `answer` (its recording failed: a retry routes anew). */
  forget(requestId: string, answer: A): void {
    if (this.entries.get(requestId)?.answer === answer) this.entries.delete(requestId);
  }

  private expire(now: number): void {
    for (const [requestId, entry] of this.entries) {
      if (now - entry.at < this.options.windowMs) break;
      this.entries.delete(requestId);
    }
  }
}
