/**
 * Runs periodic work `intervalMs` after the previous run finished, so runs never overlap and a
 * slow run delays the next instead of piling up behind it.
 */
export class TickTimer {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
  ) {}

  /** True from {@link start} to {@link stop}: a run that begins after a stop should do nothing. */
  get active(): boolean {
    return this.running;
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  /** No run starts after this; a run in progress goes on (see {@link whenIdle}). */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Resolves once the run in progress, if any, has finished. */
  async whenIdle(): Promise<void> {
    await this.inFlight;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.run().finally(() => {
        this.inFlight = undefined;
        if (this.running) this.schedule();
      });
    }, this.intervalMs);
  }
}
