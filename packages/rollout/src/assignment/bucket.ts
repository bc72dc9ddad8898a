import murmurhash from 'murmurhash';

/** Number of assignment buckets: weights resolve in steps of 0.01 %. */
export const BUCKET_COUNT = 10_000;

// One encoder for every call; the library would otherwise build one per hash.
const utf8 = new TextEncoder();

/**
 * The assignment bucket, in [0, {@link BUCKET_COUNT}), of a routing key within a rollout.
 *
 * MurmurHash3 x86_32 (Appleby, SMHasher) has full avalanche and is the hash most experimentation
 * platforms bucket with, so any language reproduces an assignment from its reference
 * implementation: `murmur3_32(utf8(routingKey), seed = murmur3_32(utf8(rolloutId), 0)) % 10000`.
 * The `murmurhash` package (tiny, no dependencies, typed, UTF-8 encodes strings) matches the
 * reference vectors (pinned in bucket.test.ts, so an upgrade cannot silently reshuffle users).
 * Seeding with the rollout's hash instead of concatenating strings keeps (key, rollout) pairs
 * unambiguous and makes each rollout's assignment independent of the others'. The modulo's bias
 * is below 3·10⁻⁶ relative (2³² = 429,496 × 10,000 + 7,296).
 */
export function bucketOf(routingKey: string, rolloutId: string): number {
  const seed = murmurhash.v3(utf8.encode(rolloutId), 0);
  return murmurhash.v3(utf8.encode(routingKey), seed) % BUCKET_COUNT;
}

/**
 * Buckets below this limit go to the canary: round(weight × 10,000). A key's bucket never
 * changes within a rollout and the limit only grows with the weight, so raising the weight
 * moves keys from stable to canary and never back.
 */
export function canaryBucketLimit(weight: number): number {
  return Math.round(Math.min(1, Math.max(0, weight)) * BUCKET_COUNT);
}
