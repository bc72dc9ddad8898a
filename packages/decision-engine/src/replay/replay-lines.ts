import type { ReplayOptions } from './replay-options.js';
import type { ReplayResult } from './replay-result.js';
import { Replayer } from './replayer.js';

/**
 * Replays lines of recorded predictions and labels (numbered from 1 in order), one at a time:
 * memory does not grow with their number. Sync or async iterables (a file's lines, a generator).
 *
 * @throws PolicyError naming the offending field when `options.policy` is invalid.
 */
export async function replayLines(
  lines: Iterable<string> | AsyncIterable<string>,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const replayer = new Replayer(options);
  // A sync iterable is read without a promise per line.
  if (Symbol.iterator in lines) for (const line of lines) replayer.line(line);
  else for await (const line of lines) replayer.line(line);
  return replayer.finish();
}
