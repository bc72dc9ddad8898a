import { ChangelogFormatError } from './changelog-format-error.js';

/**
 * Parses a changelog value as a JSON object whose `v` is `version`, or an older version down
 * to `oldest` that the caller still reads. Every changelog value carries its format version so
 * that a reader meeting a newer format stops instead of misreading state.
 */
export function parseVersionedJson(
  key: string,
  value: string,
  version: number,
  oldest = version,
): Readonly<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (cause) {
    throw new ChangelogFormatError(key, 'not JSON', cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ChangelogFormatError(key, 'not a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  const v = record.v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < oldest || v > version) {
    throw new ChangelogFormatError(key, `unsupported version ${String(record.v)}`);
  }
  return record;
}
