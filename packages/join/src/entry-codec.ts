/**
 * The JSON versions (1–3) of a join entry's changelog value: one compact JSON text per
 * requestId, positional arrays instead of named fields. Entries are written as version 4 (binary,
 * entry-binary.ts) since; these are still read, so that a changelog written before the upgrade
 * restores, and `encodeEntry` still writes version 3 (for tests and tools that need an old
 * changelog). Version 3:
 *
 *   waiting predictions  {"v":3,"p":[[variant, model, rolloutId|null, role, served 0|1,
 *                                     output, latencyMs, status, predictedAt, expiresAt,
 *                                     scores|null, segment|null], …]}
 *   label                {"v":3,"l":[model, label, labeledAt, expiresAt, matched 0|1,
 *                                     [evaluated, …], outcomes|null]}
 *
 * where an evaluated variant is its name alone when it carries no pairing details, else
 * [variant, role, served 0|1, rolloutId, predictedAt, correct 0|1, output] (see
 * `EvaluatedVariant`: only a served stable or an unserved shadow of a rollout carries them, so
 * entries of requests that never pair stay small). Output and label are text, or
 * [length, digest, numeric|null] when reduced (see stored-text.ts); an output may be null.
 * Scores (class → probability) and outcomes (name → value) are JSON objects of numbers. Times
 * are epoch ms.
 *
 * Older versions are still read: version 2 lacks the trailing scores, segment and outcomes (read
 * as null: an entry written before the upgrade gives evaluations without log-loss, Brier score,
 * segment or outcomes); version 1 also has evaluated variants as names alone (they carry no
 * pairing details, so the pairs they would have formed are lost with the upgrade). A reader
 * meeting a version it does not know fails loudly instead of guessing.
 */
import { PredictionStatus, Role } from '@kanary/contracts';
import { ChangelogFormatError } from './changelog-format-error.js';
import type {
  EvaluatedVariant,
  HeldLabel,
  JoinEntry,
  PairingDetails,
  PendingPrediction,
} from './join-entry.js';
import { BINARY_ENTRY_VERSION, decodeEntryBytes } from './entry-binary.js';
import type { StoredText } from './stored-text.js';
import { parseVersionedJson } from './versioned-json.js';

/** The version every entry is written in (binary, see entry-binary.ts). */
export const ENTRY_FORMAT_VERSION = BINARY_ENTRY_VERSION;
/** The last JSON version, which `encodeEntry` writes. */
const JSON_FORMAT_VERSION = 3;
/** The oldest version still read: its labels' evaluated variants are names alone. */
const OLDEST_READABLE_VERSION = 1;
/** The first version with scores and segments of predictions and outcomes of labels. */
const SCORES_VERSION = 3;

/*
 * Written by concatenation rather than `JSON.stringify` of arrays built for the purpose: the same
 * text (`entry-codec.test.ts` compares both on every shape) in half the time (0.75 → 0.36 µs for
 * an entry of the evaluator benchmark, version 2; version 3's two trailing nulls add ~5 % to a
 * waiting prediction, nothing measurable to a label) — the evaluator encodes an entry for every
 * prediction and label it reads. Strings that need escaping go through `JSON.stringify`; numbers
 * are formatted as it formats them; objects list their keys in `Object.keys` order, as it does.
 */

/** A number as `JSON.stringify` writes it: non-finite values become null. */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

const jsonFlag = (b: boolean): string => (b ? '1' : '0');

/** Characters `JSON.stringify` escapes in a string: quote, backslash, controls, surrogates. */
// eslint-disable-next-line no-control-regex
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as `JSON.stringify` writes it; most need no escaping and are only quoted. */
const jsonString = (s: string): string => (ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`);

function jsonText(text: StoredText | null): string {
  if (text === null) return 'null';
  if (typeof text === 'string') return jsonString(text);
  return `[${jsonNumber(text.length)},${jsonNumber(text.digest)},${text.numeric === null ? 'null' : jsonNumber(text.numeric)}]`;
}

/** An object of numbers (scores, outcomes) as `JSON.stringify` writes it, or null. */
function jsonNumbers(map: Readonly<Record<string, number>> | null): string {
  if (map === null) return 'null';
  let out = '';
  let first = true;
  for (const key of Object.keys(map)) {
    out += `${first ? '' : ','}${jsonString(key)}:${jsonNumber(map[key] as number)}`;
    first = false;
  }
  return `{${out}}`;
}

function jsonEvaluated({ variant, pairing: d }: EvaluatedVariant): string {
  if (d === null) return jsonString(variant);
  return `[${jsonString(variant)},${jsonString(d.role)},${jsonFlag(d.served)},${jsonString(d.rolloutId)},${jsonNumber(d.predictedAt)},${jsonFlag(d.correct)},${jsonText(d.output)}]`;
}

function jsonPrediction(p: PendingPrediction): string {
  return `[${jsonString(p.variant)},${jsonString(p.model)},${p.rolloutId === null ? 'null' : jsonString(p.rolloutId)},${jsonString(p.role)},${jsonFlag(p.served)},${jsonText(p.output)},${jsonNumber(p.latencyMs)},${jsonString(p.status)},${jsonNumber(p.predictedAt)},${jsonNumber(p.expiresAt)},${jsonNumbers(p.scores)},${p.segment === null ? 'null' : jsonString(p.segment)}]`;
}

function jsonList<T>(items: readonly T[], item: (value: T) => string): string {
  let out = '';
  for (let i = 0; i < items.length; i++) out += i === 0 ? item(items[i]!) : `,${item(items[i]!)}`;
  return `[${out}]`;
}

/** The version 3 JSON text of an entry (the processor writes version 4, `encodeEntryBytes`). */
export function encodeEntry(entry: JoinEntry): string {
  let text: string;
  if (entry.kind === 'label') {
    const l = entry.label;
    text = `{"v":${JSON_FORMAT_VERSION},"l":[${jsonString(l.model)},${jsonText(l.label)},${jsonNumber(l.labeledAt)},${jsonNumber(l.expiresAt)},${jsonFlag(l.matched)},${jsonList(l.evaluated, jsonEvaluated)},${jsonNumbers(l.outcomes)}]}`;
  } else {
    text = `{"v":${JSON_FORMAT_VERSION},"p":${jsonList(entry.predictions, jsonPrediction)}}`;
  }
  // Concatenation leaves a tree of string pieces (~1 KB per entry, measured) until something reads
  // the characters; reading one makes V8 flatten it to one string now, before the store keeps it.
  text.charCodeAt(0);
  return text;
}

const ROLES = new Set<string>(Object.values(Role));
const STATUSES = new Set<string>(Object.values(PredictionStatus));

/** Positional field reader that reports the first shape violation. */
class Fields {
  constructor(
    private readonly key: string,
    private readonly where: string,
    private readonly values: unknown,
    expectedLength: number,
  ) {
    if (!Array.isArray(values) || values.length !== expectedLength) {
      this.fail(`expected an array of ${expectedLength}`);
    }
  }
  fail(message: string): never {
    throw new ChangelogFormatError(this.key, `${this.where}: ${message}`);
  }
  private at(i: number): unknown {
    return (this.values as unknown[])[i];
  }
  string(i: number): string {
    const v = this.at(i);
    return typeof v === 'string' ? v : this.fail(`field ${i} must be a string`);
  }
  nullableString(i: number): string | null {
    const v = this.at(i);
    return v === null ? null : this.string(i);
  }
  number(i: number): number {
    const v = this.at(i);
    return typeof v === 'number' && Number.isFinite(v)
      ? v
      : this.fail(`field ${i} must be a number`);
  }
  flag(i: number): boolean {
    const v = this.at(i);
    return v === 1 ? true : v === 0 ? false : this.fail(`field ${i} must be 0 or 1`);
  }
  oneOf<T extends string>(i: number, allowed: ReadonlySet<string>): T {
    const v = this.string(i);
    return allowed.has(v) ? (v as T) : this.fail(`field ${i} has unknown value ${v}`);
  }
  text(i: number): StoredText {
    const v = this.at(i);
    if (typeof v === 'string') return v;
    const d = new Fields(this.key, `${this.where} field ${i}`, v, 3);
    const numeric = d.at(2) === null ? null : d.number(2);
    return { length: d.number(0), digest: d.number(1), numeric };
  }
  nullableText(i: number): StoredText | null {
    return this.at(i) === null ? null : this.text(i);
  }
  /** An object of finite numbers, or null. */
  nullableNumbers(i: number): Record<string, number> | null {
    const v = this.at(i);
    if (v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(`field ${i} must be an object`);
    const map = v as Record<string, unknown>;
    for (const key of Object.keys(map)) {
      const n = map[key];
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        this.fail(`field ${i} must hold numbers, ${JSON.stringify(key)} does not`);
      }
    }
    return map as Record<string, number>;
  }
  list(i: number): unknown[] {
    const v = this.at(i);
    return Array.isArray(v) ? v : this.fail(`field ${i} must be a list`);
  }
}

function decodePairing(key: string, raw: unknown, index: number): EvaluatedVariant {
  const f = new Fields(key, `evaluated variant ${index}`, raw, 7);
  const pairing: PairingDetails = {
    role: f.oneOf<Role>(1, ROLES),
    served: f.flag(2),
    rolloutId: f.string(3),
    predictedAt: f.number(4),
    correct: f.flag(5),
    output: f.nullableText(6),
  };
  return { variant: f.string(0), pairing };
}

function decodeEvaluated(
  key: string,
  raw: unknown,
  index: number,
  version: number,
): EvaluatedVariant {
  if (typeof raw === 'string') return { variant: raw, pairing: null };
  if (version === OLDEST_READABLE_VERSION) {
    throw new ChangelogFormatError(key, `label: evaluated variant ${index} must be a string`);
  }
  return decodePairing(key, raw, index);
}

function decodePrediction(
  key: string,
  raw: unknown,
  index: number,
  version: number,
): PendingPrediction {
  const scored = version >= SCORES_VERSION;
  const f = new Fields(key, `prediction ${index}`, raw, scored ? 12 : 10);
  return {
    variant: f.string(0),
    model: f.string(1),
    rolloutId: f.nullableString(2),
    role: f.oneOf<Role>(3, ROLES),
    served: f.flag(4),
    output: f.nullableText(5),
    latencyMs: f.number(6),
    status: f.oneOf<PredictionStatus>(7, STATUSES),
    predictedAt: f.number(8),
    expiresAt: f.number(9),
    scores: scored ? f.nullableNumbers(10) : null,
    segment: scored ? f.nullableString(11) : null,
  };
}

function decodeLabel(key: string, raw: unknown, version: number): HeldLabel {
  const scored = version >= SCORES_VERSION;
  const f = new Fields(key, 'label', raw, scored ? 7 : 6);
  return {
    model: f.string(0),
    label: f.text(1),
    labeledAt: f.number(2),
    expiresAt: f.number(3),
    matched: f.flag(4),
    evaluated: f.list(5).map((e, i) => decodeEvaluated(key, e, i, version)),
    outcomes: scored ? f.nullableNumbers(6) : null,
  };
}

/** UTF-8 of a JSON version's text: `{`. */
const JSON_TEXT_START = 0x7b;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a changelog value of any readable version: version 4 bytes (`encodeEntryBytes`), or a
 * version 1–3 JSON text, as a string or as its UTF-8 bytes. Throws `ChangelogFormatError` on
 * anything else.
 */
export function decodeEntry(key: string, value: string | Uint8Array): JoinEntry {
  if (typeof value === 'string') return decodeJsonEntry(key, value);
  if (value[0] !== JSON_TEXT_START) return decodeEntryBytes(key, value, true);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch (cause) {
    throw new ChangelogFormatError(key, 'not UTF-8 text', cause);
  }
  return decodeJsonEntry(key, text);
}

/**
 * `decodeEntry` of a value the store holds: its version 4 bytes were written by this process (or
 * checked when restored), so they are read without checking every field again.
 */
export function readStoredEntry(key: string, value: string | Uint8Array): JoinEntry {
  return typeof value === 'string' || value[0] === JSON_TEXT_START
    ? decodeEntry(key, value)
    : decodeEntryBytes(key, value, false);
}

function decodeJsonEntry(key: string, value: string): JoinEntry {
  const record = parseVersionedJson(key, value, JSON_FORMAT_VERSION, OLDEST_READABLE_VERSION);
  if (Array.isArray(record.p) && record.p.length > 0 && record.l === undefined) {
    return {
      kind: 'predictions',
      predictions: record.p.map((raw, i) => decodePrediction(key, raw, i, record.v as number)),
    };
  }
  if (record.l !== undefined && record.p === undefined) {
    return { kind: 'label', label: decodeLabel(key, record.l, record.v as number) };
  }
  throw new ChangelogFormatError(key, 'expected either a non-empty "p" or an "l"');
}
