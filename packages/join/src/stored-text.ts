/**
 * How an output or a label is held while it waits for its other side. Short text is kept as
 * is; long text (beyond `maxOutputChars`) is replaced by its length, a 53-bit digest and its
 * numeric value, which is all the classification needs: exact equality and |a − b|. This caps
 * the memory of a pending prediction whatever a model returns (e.g. generated text).
 */

/** Long text reduced to what classification needs. */
export interface TextDigest {
  readonly length: number;
  readonly digest: number;
  /** The text's value when it is decimal numeric text, else null. */
  readonly numeric: number | null;
}

export type StoredText = string | TextDigest;

/** Decimal numbers only: hex ("0x1A"), "Infinity" and empty text stay classes. */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The value of decimal numeric text when finite, else null. */
export function parseNumericText(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * cyrb53 (bryc, public domain: github.com/bryc/code, jshash/experimental/cyrb53.js), a 53-bit
 * non-cryptographic string hash. Hand-written because core code may not use `node:crypto` and
 * the comparison is synchronous; a digest is only ever compared with one other text of the same
 * length, so a false match has probability ≈ 2⁻⁵³ and no adversary gains anything from one.
 */
export function digestText(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The form in which `text` is held: itself when short enough, else its digest. */
export function storeText(text: string, maxChars: number): StoredText {
  if (text.length <= maxChars) return text;
  return { length: text.length, digest: digestText(text), numeric: parseNumericText(text) };
}

export function numericValue(text: StoredText): number | null {
  return typeof text === 'string' ? parseNumericText(text) : text.numeric;
}

/** Exact text equality, through the digest when either side was reduced. */
export function sameText(a: StoredText, b: StoredText): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const da = typeof a === 'string' ? { length: a.length, digest: digestText(a) } : a;
  const db = typeof b === 'string' ? { length: b.length, digest: digestText(b) } : b;
  return da.length === db.length && da.digest === db.digest;
}
