import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickTimer } from './tick-timer.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Work that logs when it starts and ends, each run taking `runMs` of fake time (0: none). */
function work(runMs: number) {
  const log: string[] = [];
  const run = async () => {
    log.push(`start ${Date.now()}`);
    if (runMs > 0) await new Promise((resolve) => setTimeout(resolve, runMs));
    log.push(`end ${Date.now()}`);
  };
  return { log, run };
}

describe('TickTimer', () => {
  it.each([
    {
      case: 'instant runs: one per interval',
      runMs: 0,
      elapseMs: 350,
      log: ['start 100', 'end 100', 'start 200', 'end 200', 'start 300', 'end 300'],
    },
    {
      case: 'slow runs: the next interval starts when a run ends',
      runMs: 60,
      elapseMs: 350,
      log: ['start 100', 'end 160', 'start 260', 'end 320'],
    },
    { case: 'before the first interval: no run', runMs: 0, elapseMs: 99, log: [] },
  ])('$case', async ({ runMs, elapseMs, log }) => {
    vi.setSystemTime(0);
    const w = work(runMs);
    const timer = new TickTimer(100, w.run);
    timer.start();
    expect(timer.active).toBe(true);
    await vi.advanceTimersByTimeAsync(elapseMs);
    timer.stop();
    expect(timer.active).toBe(false);
    await vi.runAllTimersAsync();
    await timer.whenIdle();
    expect(w.log).toEqual(log);
  });

  it('a stop during a run lets it finish, starts no other, and whenIdle waits for it', async () => {
    vi.setSystemTime(0);
    const w = work(50);
    const timer = new TickTimer(100, w.run);
    timer.start();
    await vi.advanceTimersByTimeAsync(120);
    expect(w.log).toEqual(['start 100']);
    timer.stop();
    let idle = false;
    const waiting = timer.whenIdle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(20);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(w.log).toEqual(['start 100', 'end 150']);
  });

  it('whenIdle resolves at once when nothing runs', async () => {
    const timer = new TickTimer(100, () => Promise.resolve());
    await expect(timer.whenIdle()).resolves.toBeUndefined();
  });
});
