/**
 * The value at a dotted path such as `result.label` or `predictions.0.score` (numeric segments
 * index arrays), or undefined when any step is missing. Own properties only, so a path can
 * never reach prototype members such as `constructor`.
 */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (typeof current === 'object' && current !== null && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else return undefined;
  }
  return current;
}
