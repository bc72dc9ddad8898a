/**
 * At most `limit` calls in flight; the dispatches beyond wait their turn, in order. Used as
 * DataLoader's `batchScheduleFn`: while a batch waits for a slot it stays open, so the requests
 * arriving meanwhile join it (up to its size) — the backlog gathers into full batches instead of
 * going out as it trickles in.
 */
export interface CallSlots {
  /** Runs `dispatch` (on a later turn of the event loop) once a slot is free, and takes it. */
  schedule(dispatch: () => void): void;
  /** A call ended: frees its slot for the next waiting dispatch. */
  release(): void;
}

export function callSlots(limit: number): CallSlots {
  let used = 0;
  const waiting: Array<() => void> = [];
  const start = (dispatch: () => void): void => {
    used += 1;
    // setImmediate, not a microtask: the loads of this turn, and the I/O callbacks already due,
    // join the batch before it goes.
    setImmediate(dispatch);
  };
  return {
    schedule(dispatch) {
      if (used < limit) start(dispatch);
      else waiting.push(dispatch);
    },
    release() {
      used -= 1;
      const next = waiting.shift();
      if (next !== undefined) start(next);
    },
  };
}
