import { SerialQueue } from './serial-queue.js';

/**
 * Work keyed by task (an input partition number) runs one piece at a time per task and
 * concurrently across tasks; exclusive work (a punctuation over every task) waits until no task's
 * work is in flight, holds new work back while it runs, and never overlaps another exclusive
 * piece. Written here because it is a few lines over {@link SerialQueue}, and a general-purpose
 * lock library would bring more than it saves.
 */
export class TaskGate {
  private readonly queues = new Map<number, SerialQueue>();
  private active = 0;
  private held: Promise<void> | undefined;
  private readonly drained: Array<() => void> = [];

  /** Runs `work` after the task's earlier work, and outside any exclusive work. */
  task<T>(task: number, work: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(task);
    if (queue === undefined) {
      queue = new SerialQueue();
      this.queues.set(task, queue);
    }
    return queue.run(async () => {
      while (this.held !== undefined) await this.held;
      // Checked and counted with no await in between: exclusive work sees it from here on.
      this.active += 1;
      try {
        return await work();
      } finally {
        this.active -= 1;
        if (this.active === 0) for (const wake of this.drained.splice(0)) wake();
      }
    });
  }

  /** Runs `work` once no task work is in flight, with new task work held back until it ends. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.held !== undefined) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      while (this.active > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
      return await work();
    } finally {
      this.held = undefined;
      release();
    }
  }
}
