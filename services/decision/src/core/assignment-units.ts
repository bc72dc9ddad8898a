/**
 * Assignment units per arm in the current evaluation window, for the sample-ratio check. Under
 * sticky assignment the unit is the routing key (all of a user's requests go to one arm), so
 * counting requests would treat one busy user as many independent draws and raise false
 * alarms; each key is counted once per window. Requests without a routing key are routed by
 * requestId and are their own unit. The set of keys is bounded: once `maxKeys` are known, new
 * keys are no longer counted — which keys arrive first does not depend on their arm, so the
 * counts stay an unbiased sample of the split.
 */
export class AssignmentUnits {
  stable = 0;
  canary = 0;
  private keys = new Set<string>();
  private startedAt: number;

  constructor(
    windowStartedAt: number,
    private readonly maxKeys: number,
  ) {
    this.startedAt = windowStartedAt;
  }

  /** Counts one routed request of `arm` (if routed in the window and its key is new). */
  record(arm: 'stable' | 'canary', routingKey: string | null | undefined, routedAt: number): void {
    if (routedAt < this.startedAt) return;
    if (routingKey !== null && routingKey !== undefined && routingKey !== '') {
      if (this.keys.has(routingKey) || this.keys.size >= this.maxKeys) return;
      this.keys.add(routingKey);
    }
    if (arm === 'stable') this.stable += 1;
    else this.canary += 1;
  }

  /** Starts a new window (the weight in force changed); earlier counts no longer apply. */
  restart(windowStartedAt: number): void {
    if (windowStartedAt <= this.startedAt) return;
    this.startedAt = windowStartedAt;
    this.stable = 0;
    this.canary = 0;
    this.keys = new Set();
  }
}
