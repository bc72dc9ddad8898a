import { describe, expect, it } from 'vitest';
import { PendingOffsets } from './pending-offsets.js';

describe('PendingOffsets', () => {
  it('commits up to the first unfinished record, then past the fetched batch', () => {
    const pending = new PendingOffsets();
    pending.assign({ t: [0] });
    const done = ['5', '6', '7'].map((offset) => pending.add('t', 0, offset));
    // The batch ended with a transaction marker at 8.
    pending.fetched('t', 0, '9');
    expect(pending.toCommit()).toEqual([{ topic: 't', partition: 0, offset: '5' }]);
    done[1]!();
    expect(pending.toCommit()).toEqual([{ topic: 't', partition: 0, offset: '5' }]);
    done[0]!();
    expect(pending.toCommit()).toEqual([{ topic: 't', partition: 0, offset: '7' }]);
    expect(pending.unfinished).toBe(1);
    done[2]!();
    const offsets = pending.toCommit();
    expect(offsets).toEqual([{ topic: 't', partition: 0, offset: '9' }]);
    pending.committed(offsets);
    expect(pending.toCommit()).toEqual([]);
    expect(pending.unfinished).toBe(0);
  });

  it('keeps partitions apart and forgets those a new assignment takes away', () => {
    const pending = new PendingOffsets();
    pending.assign({ a: [0, 1], b: [0] });
    const a0 = pending.add('a', 0, '10');
    pending.fetched('a', 0, '11');
    pending.add('a', 1, '3');
    pending.fetched('a', 1, '4');
    pending.fetched('b', 0, '2');
    a0();
    expect(pending.toCommit()).toEqual([
      { topic: 'a', partition: 0, offset: '11' },
      { topic: 'a', partition: 1, offset: '3' },
      { topic: 'b', partition: 0, offset: '2' },
    ]);
    pending.assign({ b: [0] });
    expect(pending.toCommit()).toEqual([]);
    expect(pending.unfinished).toBe(0);
  });

  it('stays linear over many records finished in order', () => {
    const pending = new PendingOffsets();
    for (let i = 0; i < 100_000; i++) pending.add('t', 0, String(i))();
    pending.fetched('t', 0, '100000');
    expect(pending.toCommit()).toEqual([{ topic: 't', partition: 0, offset: '100000' }]);
    const last = pending.add('t', 0, '100000');
    pending.fetched('t', 0, '100001');
    expect(pending.toCommit()).toEqual([{ topic: 't', partition: 0, offset: '100000' }]);
    last();
    expect(pending.toCommit()).toEqual([{ topic: 't', partition: 0, offset: '100001' }]);
  });
});
