import { describe, expect, it } from 'vitest';
import { GroupCommit, GroupCommitFullError } from './group-commit.js';

/** A writer whose writes finish when the test says so. */
function gatedWriter() {
  const writes: number[][] = [];
  const finish: Array<(error?: Error) => void> = [];
  const write = (items: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push([...items]);
      finish.push((error) => (error ? reject(error) : resolve()));
    });
  const next = async () => {
    while (finish.length === 0) await new Promise((r) => setImmediate(r));
  };
  return { writes, finish, write, next };
}

describe('GroupCommit', () => {
  it('writes what was submitted in one turn together, and what gathers during a write next', async () => {
    const w = gatedWriter();
    const sizes: number[] = [];
    const group = new GroupCommit<number>({
      write: w.write,
      maxBatch: 100,
      maxPending: 1_000,
      lingerMs: 0,
      onWrite: (n) => sizes.push(n),
    });
    const first = [group.submit([1]), group.submit([2, 3])];
    await w.next();
    expect(w.writes).toEqual([[1, 2, 3]]);
    // While the first write is in flight, three callers gather.
    let settled = 0;
    const second = [group.submit([4]), group.submit([5]), group.submit([6])].map((p) =>
      p.then(() => (settled += 1)),
    );
    // Turns of the event loop pass; nothing is written while the first write is in flight.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(w.writes).toHaveLength(1);
    expect(settled).toBe(0);
    w.finish.shift()!();
    await Promise.all(first);
    await w.next();
    expect(w.writes[1]).toEqual([4, 5, 6]);
    expect(settled).toBe(0);
    w.finish.shift()!();
    await Promise.all(second);
    expect(sizes).toEqual([3, 3]);
    expect(group.pending).toBe(0);
  });

  it('fails every caller of a failed write, and only those', async () => {
    const w = gatedWriter();
    const group = new GroupCommit<number>({
      write: w.write,
      maxBatch: 2,
      maxPending: 1_000,
      lingerMs: 0,
    });
    const a = group.submit([1]);
    const b = group.submit([2]);
    const c = group.submit([3]);
    await w.next();
    expect(w.writes).toEqual([[1, 2]]);
    w.finish.shift()!(new Error('broker down'));
    await expect(a).rejects.toThrow('broker down');
    await expect(b).rejects.toThrow('broker down');
    await w.next();
    expect(w.writes[1]).toEqual([3]);
    w.finish.shift()!();
    await expect(c).resolves.toBeUndefined();
  });

  it('refuses past maxPending at once, and takes more once a write frees room', async () => {
    const w = gatedWriter();
    const group = new GroupCommit<number>({
      write: w.write,
      maxBatch: 10,
      maxPending: 3,
      lingerMs: 0,
    });
    const held = group.submit([1, 2]);
    await expect(group.submit([3, 4])).rejects.toBeInstanceOf(GroupCommitFullError);
    const third = group.submit([3]);
    await w.next();
    w.finish.shift()!();
    await Promise.all([held, third]);
    const drained = group.drain();
    const later = group.submit([4, 5, 6]);
    await w.next();
    w.finish.shift()!();
    await Promise.all([later, drained]);
    expect(w.writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('waits lingerMs for more when configured', async () => {
    const w = gatedWriter();
    const group = new GroupCommit<number>({
      write: w.write,
      maxBatch: 10,
      maxPending: 100,
      lingerMs: 30,
    });
    const a = group.submit([1]);
    // A later turn of the event loop: without the linger, [1] would already be written alone.
    await new Promise((r) => setImmediate(r));
    const b = group.submit([2]);
    await w.next();
    expect(w.writes).toEqual([[1, 2]]);
    w.finish.shift()!();
    await Promise.all([a, b]);
  });
});
