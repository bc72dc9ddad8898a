/** Why an item left the join without (further) matches. */
export const ExpiryReason = {
  /** It waited `ttlMs` for its other side. */
  TTL: 'TTL',
  /** The store was full (`maxPending`) and this entry was the closest to expiry. */
  EVICTED: 'EVICTED',
} as const;
export type ExpiryReason = (typeof ExpiryReason)[keyof typeof ExpiryReason];
