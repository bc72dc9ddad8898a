/**
 * How deeply a parsed JSON value nests (a scalar is 0, `[]` and `{}` are 1), counted without
 * recursion and giving up past `limit`: the router turns request bodies back into JSON text,
 * and `JSON.stringify` recurses, so a body of a few kilobytes nested thousands of levels deep
 * would otherwise overflow the stack.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) pending.push({ value: child, depth });
  }
  return false;
}
