import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

/** A piece of work that starts when run and ends when `finish` is called. */
function gated(name: string, log: string[], fail = false) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const work = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  return { work, finish: () => finish() };
}

describe('SerialQueue', () => {
  it.each([
    { case: 'all succeed', failing: [] as string[] },
    { case: 'a failure does not stop what comes after', failing: ['a'] },
    { case: 'the last one fails', failing: ['c'] },
  ])('runs one piece at a time, in order: $case', async ({ failing }) => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const pieces = ['a', 'b', 'c'].map((name) => gated(name, log, failing.includes(name)));
    const results = pieces.map((p) => queue.run(p.work));
    // Every gate open at once: run side by side, the pieces would interleave.
    for (const p of pieces) p.finish();
    const settled = await Promise.allSettled(results);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(settled.map((s) => s.status)).toEqual(
      ['a', 'b', 'c'].map((n) => (failing.includes(n) ? 'rejected' : 'fulfilled')),
    );
  });

  it('does not start a piece while the one before it runs', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const first = gated('a', log);
    const second = gated('b', log);
    const a = queue.run(first.work);
    const b = queue.run(second.work);
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['start a']);
    first.finish();
    second.finish();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
  });
});
