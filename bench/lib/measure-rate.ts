import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Rate {
  /** Records per second from the first observed progress to the last record. */
  readonly perSecond: number;
  readonly seconds: number;
  /** Records counted in the timed window (those done before the first observation are left out). */
  readonly records: number;
  /**
   * CPU time (user + system) per record over the same window, in µs: of this process, or of
   * whatever `cpuMicros` reads (a subject in a process of its own). The machine is shared, so
   * wall-clock rates move with other people's load; the CPU a record costs moves much less. The
   * broker's own CPU is not in it.
   */
  readonly cpuMicrosPerRecord: number;
}

/**
 * Polls `done()` (records fully processed and committed so far) until it reaches `total`. The
 * clock starts at the first observation above zero, so consumer-group join, connection set-up
 * and the first fetch are left out for the baseline and the subject alike: what remains is the
 * steady state over a backlog. 10 ms polling is small next to runs of several seconds.
 */
export async function measureRate(
  done: () => number | Promise<number>,
  total: number,
  timeoutMs: number,
  cpuMicros: () => number = processCpuMicros,
): Promise<Rate> {
  const deadline = Date.now() + timeoutMs;
  let first: { at: number; count: number; cpu: number } | undefined;
  for (;;) {
    const count = await done();
    const now = performance.now();
    if (first === undefined && count > 0) first = { at: now, count, cpu: cpuMicros() };
    if (count >= total && first !== undefined) {
      const seconds = (now - first.at) / 1_000;
      const records = count - first.count;
      if (records === 0) throw new Error(`the backlog of ${total} was done before the first poll`);
      return {
        perSecond: records / seconds,
        seconds,
        records,
        cpuMicrosPerRecord: (cpuMicros() - first.cpu) / records,
      };
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${count} of ${total} records processed within ${timeoutMs / 1000} s`);
    }
    await sleep(10);
  }
}

/** CPU time (user + system) this process has used, µs. */
function processCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
