import { topicCatalog } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { ENTRY_FORMAT_VERSION, JoinProcessor, decodeEntry } from '@kanary/join';
import { labelled, predicted, T0 } from '@kanary/join/fixtures';
import { metricsRecords, PartitionOutputs } from './join-outputs.js';

const catalog = topicCatalog({ prefix: 't' });

describe('PartitionOutputs', () => {
  it('keys evaluations by requestId and pins changelog entries to the input partition', () => {
    const processor = new JoinProcessor();
    processor.init({ now: T0 });
    const out = new PartitionOutputs(3);
    out.add(processor.process(predicted({ requestId: 'r1' }), T0));
    out.add(processor.process(labelled({ requestId: 'r1' }), T0 + 1));
    out.addChangelog(processor.flush());
    const records = out.records(catalog);

    const evaluations = records.filter((r) => r.topic === catalog.evaluations);
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ key: 'r1', value: { requestId: 'r1', correct: true } });
    const changelog = records.filter((r) => r.topic === catalog.joinChangelog);
    expect(changelog.length).toBeGreaterThan(1);
    expect(changelog.every((r) => r.partition === 3 && 'bytes' in r)).toBe(true);
    // r1 changed twice (pending prediction, then matched label): only its last value is written.
    const r1 = changelog.filter((r) => r.key === 'r1');
    expect(r1).toHaveLength(1);
    const bytes = (r1[0] as { bytes: Buffer }).bytes;
    expect(bytes[0]).toBe(ENTRY_FORMAT_VERSION);
    expect(decodeEntry('r1', bytes)).toMatchObject({ kind: 'label', label: { matched: true } });
  });

  it('writes a tombstone as null bytes', () => {
    const out = new PartitionOutputs(0);
    out.addChangelog([
      { key: 'k', value: '{"v":1}' },
      { key: 'k', value: null },
    ]);
    expect(out.records(catalog)).toEqual([
      { topic: catalog.joinChangelog, key: 'k', bytes: null, partition: 0 },
    ]);
  });
});

describe('metricsRecords', () => {
  it('publishes one VariantMetrics per variant keyed by rolloutId', () => {
    const processor = new JoinProcessor();
    processor.init({ now: T0 });
    processor.process(predicted({ requestId: 'a', variant: 'v1' }), T0);
    processor.process(predicted({ requestId: 'a', variant: 'v2', role: 'SHADOW' }), T0);
    const records = metricsRecords(processor.metrics.snapshot(T0 + 5), catalog.metrics);
    expect(
      records.map((r) => [r.key, (r as { value: { variant: string } }).value.variant]),
    ).toEqual([
      ['ro-1', 'v1'],
      ['ro-1', 'v2'],
    ]);
  });
});
