import ms from 'ms';

/**
 * Milliseconds in a human duration: `250ms`, `5s`, `2m`, `1.5h`, `3d`; a bare number is
 * milliseconds. Throws a RangeError naming the text when it is not a non-negative duration.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  let value: number | undefined;
  try {
    value = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : ms(trimmed as ms.StringValue);
  } catch {
    value = undefined; // ms() throws on an empty string
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`"${text}" is not a duration (examples: 250ms, 5s, 2m, 1h)`);
  }
  return value;
}
