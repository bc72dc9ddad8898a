// Seeded pseudo-random numbers for simulations and the simulated model backend. Math.random cannot
// be seeded, and reproducible simulations are what make the statistics' error rates checkable, so
// this is a small hand-written generator: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear
// pseudorandom number generators"), period 2^128 − 1, seeded through splitmix32 so that nearby
// seeds (1, 2, 3, …) give unrelated streams. Not for cryptography.

/** A deterministic random stream. Every method advances the same underlying state. */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Standard normal draw N(0, 1) (Marsaglia polar method). */
  normal(): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /**
   * Binomial(n, p) draw, exact, by sequential inversion (Kachitvichyanukul & Schmeiser 1988,
   * algorithm BINV); expected cost O(n·min(p, 1 − p)), meant for the batch sizes of simulations.
   */
  binomial(n: number, p: number): number;
}

const TWO_POW_53 = 9007199254740992;

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator. The same seed always yields the same sequence on every platform.
 *
 * @param seed - any finite number; its low 32 bits (after truncation) select the stream.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed))
    throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  const init = splitmix32(Math.trunc(seed));
  let s0 = init();
  let s1 = init();
  let s2 = init();
  let s3 = init();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is the one fixed point

  function nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  }

  function next(): number {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  let spareNormal: number | undefined;
  function normal(): number {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  function binomialInversion(n: number, p: number): number {
    // Requires p ≤ 0.5 and q^n representable (checked by the caller).
    const q = 1 - p;
    const ratio = p / q;
    const a = (n + 1) * ratio;
    let probability = Math.pow(q, n);
    let u = next();
    let x = 0;
    while (u > probability && x < n) {
      u -= probability;
      x += 1;
      probability *= a / x - ratio;
    }
    return x;
  }

  function binomial(n: number, p: number): number {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new RangeError(`n must be a non-negative integer, got ${String(n)}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${String(p)}`);
    if (n === 0 || p === 0) return 0;
    if (p === 1) return n;
    if (p > 0.5) return n - binomial(n, 1 - p);
    // q^n must not underflow, or the inversion loop would start from probability 0; a sum of
    // independent binomials with the same p is again binomial, so split large n into chunks.
    const maxChunk = Math.max(1, Math.floor(600 / -Math.log1p(-p)));
    let total = 0;
    for (let remaining = n; remaining > 0; remaining -= maxChunk) {
      total += binomialInversion(Math.min(remaining, maxChunk), p);
    }
    return total;
  }

  return {
    next,
    int(maxExclusive: number): number {
      if (!Number.isSafeInteger(maxExclusive) || maxExclusive <= 0) {
        throw new RangeError(
          `maxExclusive must be a positive integer, got ${String(maxExclusive)}`,
        );
      }
      return Math.floor(next() * maxExclusive);
    },
    normal,
    bernoulli: (p: number) => next() < p,
    binomial,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
