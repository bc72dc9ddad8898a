import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ReplayOptions } from '../replay/replay-options.js';
import type { ReplayResult } from '../replay/replay-result.js';
import { Replayer } from '../replay/replayer.js';

/** How far a file replay has got (bytes are of the file as read so far). */
export interface ReplayProgress {
  readonly lines: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
}

export interface ReplayFileOptions extends ReplayOptions {
  /** Called every 100,000 lines. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

const PROGRESS_EVERY_LINES = 100_000;

/**
 * Replays a JSONL file of recorded predictions and labels, streamed line by line (the file may
 * be far larger than memory). A UTF-8 byte-order mark on the first line is ignored.
 *
 * @throws PolicyError for an invalid `options.policy`; the file system's error when the file
 * cannot be read.
 */
export async function replayFile(
  path: string,
  options: ReplayFileOptions = {},
): Promise<ReplayResult> {
  const { size } = await stat(path);
  const replayer = new Replayer(options);
  const input = createReadStream(path, { encoding: 'utf8' });
  let lines = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    lines += 1;
    replayer.line(lines === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    if (lines % PROGRESS_EVERY_LINES === 0) {
      options.onProgress?.({ lines, bytesRead: input.bytesRead, totalBytes: size });
    }
  }
  return replayer.finish();
}
