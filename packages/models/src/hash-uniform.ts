import { createHash } from 'node:crypto';

const TWO_POW_53 = 2 ** 53;

/**
 * A uniform number in the open interval (0, 1) derived from the parts by SHA-256.
 *
 * Randomness keyed by content rather than drawn from a sequence: the value for given parts never
 * depends on which other draws happened before, so a restarted process, a different batch order
 * or a replay reproduces every draw. The parts are JSON-encoded so that ('a', 'bc') and
 * ('ab', 'c') never collide. The top 53 bits of the digest give a double with full mantissa
 * resolution; adding one half keeps the value away from 0 and 1, where inverse CDFs diverge.
 */
export function hashUniform(...parts: readonly (string | number)[]): number {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  const high = digest.readUInt32BE(0) >>> 11; // 21 bits
  const low = digest.readUInt32BE(4); // 32 bits
  return (high * 2 ** 32 + low + 0.5) / TWO_POW_53;
}
