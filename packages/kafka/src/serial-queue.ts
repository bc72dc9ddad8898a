/**
 * Runs pieces of async work one at a time, in the order they were queued; a failed piece does not
 * stop the ones after it (its caller gets the failure).
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `work` after every piece queued before it has finished. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
