import { createLogger, createMetricsRegistry } from '@kanary/observability';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConsumerLag, partitionLag } from './consumer-lag.js';

describe('partitionLag', () => {
  it.each([
    { case: 'nothing read, nothing committed', end: 10, low: 0, expected: 10 },
    { case: 'committed offset only', end: 10, low: 0, committed: 4, expected: 6 },
    {
      case: 'position ahead of the commit',
      end: 10,
      low: 0,
      committed: 4,
      position: 9,
      expected: 1,
    },
    {
      case: 'commit ahead of an unknown position',
      end: 10,
      low: 0,
      committed: 10,
      position: 0,
      expected: 0,
    },
    { case: 'records removed by retention are not owed', end: 10, low: 7, expected: 3 },
    {
      case: 'position past the end (transaction marker read)',
      end: 10,
      low: 0,
      position: 11,
      expected: 0,
    },
    { case: 'empty partition', end: 0, low: 0, expected: 0 },
  ])('$case → $expected', ({ end, low, committed, position, expected }) => {
    expect(partitionLag({ end, low, committed, position })).toBe(expected);
  });
});

/** An admin stand-in answering ListOffsets and OffsetFetch from tables. */
function fakeAdmin(
  ends: Record<string, Array<{ partition: number; offset: string; low: string }>>,
  committed: Record<string, Array<{ partition: number; offset: string }>>,
): Admin {
  return {
    fetchTopicOffsets: (topic: string) =>
      Promise.resolve((ends[topic] ?? []).map((e) => ({ ...e, high: e.offset }))),
    fetchOffsets: ({ topics }: { topics: string[] }) =>
      Promise.resolve(topics.map((topic) => ({ topic, partitions: committed[topic] ?? [] }))),
  } as unknown as Admin;
}

const logger = createLogger({ service: 'test', level: 'silent' });

describe('ConsumerLag', () => {
  it('reports the assigned partitions only, from committed offsets and positions, and drops revoked ones', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    const positions = new Map([['in:1', 18]]);
    const lag = new ConsumerLag({
      admin: () =>
        Promise.resolve(
          fakeAdmin(
            {
              in: [
                { partition: 0, offset: '12', low: '0' },
                { partition: 1, offset: '20', low: '0' },
                { partition: 2, offset: '30', low: '0' },
              ],
            },
            {
              in: [
                { partition: 0, offset: '5' },
                { partition: 1, offset: '-1' },
              ],
            },
          ),
        ),
      registry,
      logger,
      groupId: 'g',
      committed: true,
      position: (topic, partition) => positions.get(`${topic}:${partition}`),
      intervalMs: 60_000,
    });
    lag.assign({ in: [0, 1] });
    await lag.refresh();
    const text = await registry.metrics();
    expect(text).toContain(
      'kanary_consumer_lag_records{topic="in",partition="0",service="test"} 7',
    );
    expect(text).toContain(
      'kanary_consumer_lag_records{topic="in",partition="1",service="test"} 2',
    );
    expect(text).not.toContain('partition="2"');

    lag.assign({ in: [2] });
    await lag.refresh();
    const after = await registry.metrics();
    expect(after).not.toContain('partition="0"');
    expect(after).toContain(
      'kanary_consumer_lag_records{topic="in",partition="2",service="test"} 30',
    );
    await lag.stop();
    expect(await registry.metrics()).not.toMatch(/^kanary_consumer_lag_records\{/m);
  });

  it('ignores committed offsets for a group that commits nothing, and keeps the gauge when the broker is unreachable', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    let broken = false;
    const admin = fakeAdmin(
      { in: [{ partition: 0, offset: '50', low: '10' }] },
      { in: [{ partition: 0, offset: '49' }] },
    );
    const lag = new ConsumerLag({
      admin: () => (broken ? Promise.reject(new Error('down')) : Promise.resolve(admin)),
      registry,
      logger,
      groupId: 'g',
      committed: false,
      position: () => undefined,
      intervalMs: 60_000,
    });
    lag.assign({ in: [0] });
    await lag.refresh();
    expect(await registry.metrics()).toContain('partition="0",service="test"} 40');
    broken = true;
    await lag.refresh();
    expect(await registry.metrics()).toContain('partition="0",service="test"} 40');
  });
});
