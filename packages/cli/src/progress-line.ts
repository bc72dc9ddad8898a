/** Where progress goes: stderr in the CLI, a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}

export interface ProgressLine {
  /** Shows the latest state (throttled). */
  update(text: string): void;
  /** Shows the final state and ends the line. */
  done(text: string): void;
}

/**
 * A progress indicator on stderr: on a terminal one line rewritten in place (at most ten times
 * a second); otherwise — a log file, CI — a plain line every `plainIntervalMs`, so logs stay
 * readable. stdout is left to results.
 */
export function progressLine(
  stream: ProgressStream,
  {
    plainIntervalMs = 5_000,
    now = Date.now,
  }: { plainIntervalMs?: number; now?: () => number } = {},
): ProgressLine {
  const tty = stream.isTTY === true;
  const interval = tty ? 100 : plainIntervalMs;
  let last = now();
  let drawn = false;
  return {
    update(text) {
      if (now() - last < interval) return;
      last = now();
      drawn = true;
      stream.write(tty ? `\r\u001b[2K${text}` : `${text}\n`);
    },
    done(text) {
      if (tty) stream.write(`${drawn ? '\r\u001b[2K' : ''}${text}\n`);
      else if (drawn) stream.write(`${text}\n`);
    },
  };
}
