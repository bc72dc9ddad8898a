/**
 * An entry as the store holds it: its changelog value. The processor puts version 4 bytes (it
 * converts entries restored from JSON text); a store keeps whichever it is given.
 */
export type StoredValue = string | Uint8Array;

/**
 * Storage for the join's pending state, one compact encoded value per requestId with the time
 * at which it next needs attention. The processor decides what the values mean; a store only
 * keeps them, orders them by deadline and accounts for their memory. Any implementation (in
 * memory, RocksDB-like) must order ties on `expiresAt` by key, so that expiry order is a
 * function of the contents alone and a restored store expires in the same order as the
 * original.
 */

/** A key and its deadline, as seen in expiry order. */
export interface ExpiryRef {
  readonly key: string;
  readonly expiresAt: number;
}

export interface JoinStore {
  /** The encoded value for `key`, or undefined. */
  get(key: string): StoredValue | undefined;
  /** Inserts or replaces `key`'s value and deadline (epoch ms). */
  put(key: string, value: StoredValue, expiresAt: number): void;
  /** Removes `key`; true when it was present. */
  delete(key: string): boolean;
  /** The entry with the earliest deadline (ties: smallest key), or undefined when empty. */
  earliest(): ExpiryRef | undefined;
  /**
   * Entries with `expiresAt <= upTo`, earliest first, read from the live order: before
   * advancing, the caller must delete or re-put (with a later deadline) each entry it is
   * given, else the same entry comes back.
   */
  iterateByExpiry(upTo: number): Iterable<ExpiryRef>;
  /** Every (key, value), in no particular order. */
  entries(): Iterable<readonly [key: string, value: StoredValue]>;
  /** Number of keys held. */
  readonly size: number;
  /** Estimated heap bytes held by keys, values and per-entry bookkeeping. */
  readonly approximateBytes: number;
  clear(): void;
}
