import { describe, expect, it } from 'vitest';
import { EvidenceFolder } from '@kanary/evidence';
import { JoinProcessor } from '@kanary/join';
import { T0, labelled, predicted } from '@kanary/join/fixtures';
import { evidenceFromChangelog, evidenceStateEntry } from './evidence-state.js';

function changedRecords() {
  const folder = new EvidenceFolder({
    partition: 1,
    partitions: 2,
    inputs: ['predictions'],
    relativeAccuracy: 0.01,
    latenessMs: 0,
    terms: () => ({
      rolloutId: 'ro-1',
      model: 'fraud',
      startedAt: T0,
      maturityMs: 60_000,
      bucketMs: 5_000,
      epoch: 1,
    }),
  });
  const join = new JoinProcessor();
  join.init({ now: T0 });
  join.process(predicted({ scores: { fraud: 0.75, legit: 0.25 }, segment: 'eu' }), T0);
  const label = labelled({ outcomes: { revenue: 3 }, timestamp: T0 + 1_000 });
  for (const evaluation of join.process(label, T0).evaluations) folder.onEvaluation(evaluation);
  return folder.changes(T0 + 2_000);
}

describe('evidence kept in the changelog', () => {
  it('reads back what it wrote, means and segments included', () => {
    const [record] = changedRecords();
    if (record === undefined) throw new Error('no record');
    expect(record.means.map((m) => m.metric)).toEqual(['brier', 'logLoss', 'outcome:revenue']);
    expect(record.segments.map((s) => s.segment)).toEqual(['eu']);
    expect(evidenceFromChangelog(evidenceStateEntry(record))).toEqual(record);
  });

  it('reads an entry written before means and segments existed as having none', () => {
    const [record] = changedRecords();
    if (record === undefined) throw new Error('no record');
    const { means: _m, segments: _s, ...older } = record;
    const entry = { key: evidenceStateEntry(record).key, value: JSON.stringify(older) };
    expect(evidenceFromChangelog(entry)).toEqual({ ...record, means: [], segments: [] });
  });

  it.each([
    ['a list', '[1]', /not an object/],
    ['a record with a negative count', '{"labelled":-1}', /labelled/],
  ])('refuses %s, naming the key', (_name, value, message) => {
    const entry = { key: '\u0000ebad', value };
    expect(() => evidenceFromChangelog(entry)).toThrow(message);
    expect(() => evidenceFromChangelog(entry)).toThrow(/"\\u0000ebad"/);
  });
});
