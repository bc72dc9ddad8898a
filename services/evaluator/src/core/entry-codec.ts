/**
 * The changelog value of a join entry, which is also how the in-memory store holds it: one
 * compact JSON text per requestId, positional arrays instead of named fields. Version 1:
 *
 *   waiting predictions  {"v":1,"p":[[variant, model, rolloutId|null, role, served 0|1,
 *                                     output, latencyMs, status, predictedAt, expiresAt], …]}
 *   label                {"v":1,"l":[model, label, labeledAt, expiresAt, matched 0|1,
 *                                     [evaluated variant, …]]}
 *
 * where output and label are text, or [length, digest, numeric|null] when reduced
 * (see stored-text.ts), and output may be null. Times are epoch ms. A reader meeting a higher
 * version fails loudly instead of guessing.
 */
import { PredictionStatus, Role } from '@kanary/contracts';
import { ChangelogFormatError } from './changelog-format-error.js';
import type { HeldLabel, JoinEntry, PendingPrediction } from './join-entry.js';
import type { StoredText } from './stored-text.js';
import { parseVersionedJson } from './versioned-json.js';

export const ENTRY_FORMAT_VERSION = 1;

type WireText = string | [number, number, number | null];

function textToWire(text: StoredText): WireText {
  return typeof text === 'string' ? text : [text.length, text.digest, text.numeric];
}

export function encodeEntry(entry: JoinEntry): string {
  if (entry.kind === 'label') {
    const l = entry.label;
    return JSON.stringify({
      v: ENTRY_FORMAT_VERSION,
      l: [l.model, textToWire(l.label), l.labeledAt, l.expiresAt, l.matched ? 1 : 0, l.evaluated],
    });
  }
  return JSON.stringify({
    v: ENTRY_FORMAT_VERSION,
    p: entry.predictions.map((p) => [
      p.variant,
      p.model,
      p.rolloutId,
      p.role,
      p.served ? 1 : 0,
      p.output === null ? null : textToWire(p.output),
      p.latencyMs,
      p.status,
      p.predictedAt,
      p.expiresAt,
    ]),
  });
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
  strings(i: number): string[] {
    const v = this.at(i);
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
      this.fail(`field ${i} must be a list of strings`);
    }
    return v as string[];
  }
}

function decodePrediction(key: string, raw: unknown, index: number): PendingPrediction {
  const f = new Fields(key, `prediction ${index}`, raw, 10);
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
  };
}

function decodeLabel(key: string, raw: unknown): HeldLabel {
  const f = new Fields(key, 'label', raw, 6);
  return {
    model: f.string(0),
    label: f.text(1),
    labeledAt: f.number(2),
    expiresAt: f.number(3),
    matched: f.flag(4),
    evaluated: f.strings(5),
  };
}

/** Reads a value written by `encodeEntry`; throws `ChangelogFormatError` on anything else. */
export function decodeEntry(key: string, value: string): JoinEntry {
  const record = parseVersionedJson(key, value, ENTRY_FORMAT_VERSION);
  if (Array.isArray(record.p) && record.p.length > 0 && record.l === undefined) {
    return {
      kind: 'predictions',
      predictions: record.p.map((raw, i) => decodePrediction(key, raw, i)),
    };
  }
  if (record.l !== undefined && record.p === undefined) {
    return { kind: 'label', label: decodeLabel(key, record.l) };
  }
  throw new ChangelogFormatError(key, 'expected either a non-empty "p" or an "l"');
}
