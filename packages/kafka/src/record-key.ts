import { KanaryError } from '@kanary/contracts';

/** What key a record must carry: a field of its value, as plain UTF-8 text. */
export interface RecordKey<V> {
  /** The field's name, for the dead letter's reason. */
  readonly field: string;
  of(value: V): string;
}

/** Keyed by `requestId`: requests, routed requests, predictions and labels. */
export const requestIdKey: RecordKey<{ readonly requestId: string }> = {
  field: 'requestId',
  of: (value) => value.requestId,
};

/**
 * A record without a key, or whose key is not the one its value calls for (another id, the id
 * Avro-encoded or otherwise framed): the join and the partitioning depend on the key, so the
 * record goes to the dead-letter topic.
 */
export class KeyMismatchError extends KanaryError {
  constructor(message: string) {
    super('KEY_MISMATCH', message);
  }
}

/**
 * True when `key` is exactly the bytes of the ASCII text `text`; false means "not shown here"
 * (other bytes, or non-ASCII text), for {@link keyMismatch} to decide. Compares in place: the
 * usual key, an ASCII id, is checked without decoding it to a string.
 */
export function isAsciiKey(key: Buffer, text: string): boolean {
  const n = text.length;
  if (key.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || key[i] !== c) return false;
  }
  return true;
}

/** Longest key text quoted in a reason; longer keys are cut. */
const SHOWN_KEY_CHARS = 200;
/** Bytes of a binary key shown in hex. */
const SHOWN_KEY_BYTES = 32;

/**
 * Checks that `key` is exactly the UTF-8 bytes of `expected` (the value's `field`); returns the
 * error to dead-letter the record with, or undefined when the key is right. The comparison is of
 * bytes: text equality alone would take a key with invalid UTF-8 for one whose replacement
 * characters happen to match.
 *
 * `keyText`, the key decoded as UTF-8 when the caller has it, answers most checks without
 * encoding `expected`: equal text without a replacement character means the key was valid UTF-8,
 * which encodes each text one way, so the bytes are equal too. Otherwise the bytes are compared.
 */
export function keyMismatch(
  key: Buffer | null,
  expected: string,
  field: string,
  keyText?: string,
): KeyMismatchError | undefined {
  if (keyText === expected && key !== null && !expected.includes('\ufffd')) return undefined;
  if (key !== null && key.equals(Buffer.from(expected, 'utf8'))) return undefined;
  const how = `produce with key = ${field} (UTF-8)`;
  if (key === null) {
    return new KeyMismatchError(
      `the record has no key; expected its ${field} ${quote(expected)}: ${how}`,
    );
  }
  return new KeyMismatchError(
    `key ${describeKey(key)} is not the record's ${field} ${quote(expected)}: ${how}`,
  );
}

/** A key as text when it is printable UTF-8, otherwise in hex (an Avro-encoded or framed key). */
function describeKey(key: Buffer): string {
  const text = key.toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (Buffer.byteLength(text) === key.length && !/[\u0000-\u001f\u007f\ufffd]/.test(text)) {
    return quote(text);
  }
  const hex = key.subarray(0, SHOWN_KEY_BYTES).toString('hex');
  const more = key.length > SHOWN_KEY_BYTES ? '…' : '';
  return `0x${hex}${more} (${key.length} bytes, not UTF-8 text)`;
}

function quote(text: string): string {
  return text.length > SHOWN_KEY_CHARS
    ? `${JSON.stringify(text.slice(0, SHOWN_KEY_CHARS)).slice(0, -1)}…"`
    : JSON.stringify(text);
}
