import { diffLines } from 'diff';

/**
 * The lines of a unified-style diff between the live and the desired text of a spec, every
 * line kept (specs are short): `-` only live, `+` only desired, two spaces both. Empty when the
 * texts are equal.
 */
export function specDiff(live: string, desired: string): string[] {
  if (live === desired) return [];
  return diffLines(live, desired).flatMap((change) => {
    const mark = change.added ? '+ ' : change.removed ? '- ' : '  ';
    return change.value
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `${mark}${line}`);
  });
}
