import type { RolloutState } from '@kanary/contracts';
import type { RolloutBook } from '@kanary/rollout';

/** A wait for a command's outcome; subscribe before publishing the command, so none is missed. */
export interface CommandOutcomeWait {
  /** The model's state once its `lastCommand` is this command; undefined after the timeout. */
  readonly outcome: Promise<RolloutState | undefined>;
  cancel(): void;
}

/**
 * Waits until the book holds a state whose `lastCommand` is `commandId` (applied or rejected),
 * at most `timeoutMs`. A rejection that no state records (the model has none) is not seen here;
 * the wait then times out and the caller answers "pending".
 */
export function awaitCommandOutcome(
  book: RolloutBook,
  model: string,
  commandId: string,
  timeoutMs: number,
): CommandOutcomeWait {
  let finish: (state: RolloutState | undefined) => void = () => undefined;
  const outcome = new Promise<RolloutState | undefined>((resolve) => {
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const unsubscribe = book.subscribe(({ state }) => {
      if (state?.model === model && state.lastCommand?.commandId === commandId) finish(state);
    });
    finish = (state) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(state);
    };
  });
  return { outcome, cancel: () => finish(undefined) };
}
