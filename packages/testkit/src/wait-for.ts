import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  /** @default 30000 ms */
  timeoutMs?: number;
  /** Pause between checks. @default 100 ms */
  intervalMs?: number;
  /** What is awaited, for the timeout message (a function is evaluated at the timeout). */
  description?: string | (() => string);
}

/**
 * Polls `condition` until it returns a truthy value and resolves with that value; errors thrown by
 * the condition count as "not yet". Rejects after `timeoutMs` with the last error, so tests wait
 * for what they need instead of sleeping for a guessed time.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what =
        typeof options.description === 'function'
          ? options.description()
          : (options.description ?? 'condition');
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`, {
        cause: lastError,
      });
    }
    await delay(options.intervalMs ?? 100);
  }
}
