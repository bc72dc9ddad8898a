import { describe, expect, it } from 'vitest';
import { TaskGate } from './task-gate.js';

/** A promise with its resolver, to hold a piece of work open until the test lets it finish. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('TaskGate', () => {
  it('runs one task at a time in order, and different tasks at the same time', async () => {
    const gate = new TaskGate();
    const log: string[] = [];
    const first = latch();
    const a1 = gate.task(1, async () => {
      log.push('a1 start');
      await first.promise;
      log.push('a1 end');
    });
    const a2 = gate.task(1, () => {
      log.push('a2');
      return Promise.resolve();
    });
    const b = gate.task(2, () => {
      log.push('b');
      return Promise.resolve();
    });
    await b;
    expect(log).toEqual(['a1 start', 'b']);
    first.open();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
  });

  it('starts exclusive work only when no task runs, and holds new tasks until it ends', async () => {
    const gate = new TaskGate();
    const log: string[] = [];
    const running = latch();
    const task = gate.task(1, async () => {
      log.push('task start');
      await running.promise;
      log.push('task end');
    });
    await new Promise((resolve) => setImmediate(resolve));
    const inside = latch();
    const exclusive = gate.exclusive(async () => {
      log.push('exclusive start');
      await inside.promise;
      log.push('exclusive end');
    });
    const later = gate.task(2, () => {
      log.push('later');
      return Promise.resolve();
    });
    await Promise.resolve();
    expect(log).toEqual(['task start']);
    running.open();
    await task;
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['task start', 'task end', 'exclusive start']);
    inside.open();
    await Promise.all([exclusive, later]);
    expect(log).toEqual(['task start', 'task end', 'exclusive start', 'exclusive end', 'later']);
  });

  it('never overlaps two exclusive pieces, and a failure releases the gate', async () => {
    const gate = new TaskGate();
    let inside = 0;
    let most = 0;
    const piece = (fail: boolean) =>
      gate.exclusive(async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((resolve) => setImmediate(resolve));
        inside -= 1;
        if (fail) throw new Error('failed');
      });
    const results = await Promise.allSettled([piece(true), piece(false), piece(false)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(most).toBe(1);
    await expect(gate.task(3, () => Promise.resolve('ran'))).resolves.toBe('ran');
  });
});
