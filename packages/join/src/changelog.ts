/**
 * The join's changelog: a compacted topic keyed like the input (requestId), one entry per
 * mutated key, `value: null` being a tombstone. Replaying the latest value of every key
 * rebuilds the processor exactly (`JoinProcessor.restore`).
 *
 * A few reserved keys, all starting with U+0000 (which no requestId does), checkpoint the
 * metrics aggregates and the snapshot schedule so that they survive restarts too. Because one
 * processor owns one input partition (like a Kafka Streams task), the shell must write every
 * entry of a processor to the changelog partition with the same number as its input partition
 * (explicit partition, not the key hash), and restore a processor from that partition alone.
 */

export interface ChangelogEntry {
  readonly key: string;
  /**
   * Encoded state for the key, or null to delete it: a join entry's bytes (version 4, see
   * entry-binary.ts; a changelog written before may hold JSON text, versions 1–3), or for a
   * reserved key JSON text with a version field `v`.
   */
  readonly value: string | Uint8Array | null;
}

/** An entry of a reserved key: JSON text, or a tombstone. */
export interface TextChangelogEntry extends ChangelogEntry {
  readonly value: string | null;
}

const utf8 = new TextDecoder();

/** A reserved key's value as text (a restore may hand it over as the record's bytes). */
export function changelogText(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : utf8.decode(value);
}

export const RESERVED_KEY_PREFIX = '\u0000';

export function isReservedKey(key: string): boolean {
  return key.startsWith(RESERVED_KEY_PREFIX);
}

/** Checkpoint of one rollout × model × variant × role aggregate. */
export function variantMetricsKey(id: string): string {
  return `${RESERVED_KEY_PREFIX}v${id}`;
}

/** Checkpoint of one model's label counters. */
export function labelMetricsKey(model: string): string {
  return `${RESERVED_KEY_PREFIX}l${model}`;
}

/** When the next metrics snapshot is due. */
export const SNAPSHOT_SCHEDULE_KEY = `${RESERVED_KEY_PREFIX}s`;

const UNIT_KEY_PREFIX = `${RESERVED_KEY_PREFIX}u`;

/**
 * A routing key the partition's evidence counted as an assignment unit of a rollout (the value is
 * the state seq it was counted under). Kept beside the join's entries so that a restored task
 * does not count a returning key again; the join itself never reads these keys.
 */
export function unitKey(rolloutId: string, routingKey: string): string {
  return `${UNIT_KEY_PREFIX}${JSON.stringify([rolloutId, routingKey])}`;
}

/** The rollout and routing key of a {@link unitKey}, or undefined for any other key. */
export function parseUnitKey(key: string): { rolloutId: string; routingKey: string } | undefined {
  if (!key.startsWith(UNIT_KEY_PREFIX)) return undefined;
  const parsed: unknown = JSON.parse(key.slice(UNIT_KEY_PREFIX.length));
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string'
  ) {
    return undefined;
  }
  return { rolloutId: parsed[0], routingKey: parsed[1] };
}

const EVIDENCE_KEY_PREFIX = `${RESERVED_KEY_PREFIX}e`;

/**
 * A bucket (or the watermark) of the partition's evidence, under its key on the evidence topic;
 * the value is the evidence record as JSON. The evaluator publishes evidence on the evidence
 * topic at publication points and keeps every change here, with each commit, so that a restored
 * task continues from the committed state; the join itself never reads these keys.
 */
export function evidenceStateKey(evidenceKey: string): string {
  return `${EVIDENCE_KEY_PREFIX}${evidenceKey}`;
}

export function isEvidenceStateKey(key: string): boolean {
  return key.startsWith(EVIDENCE_KEY_PREFIX);
}
