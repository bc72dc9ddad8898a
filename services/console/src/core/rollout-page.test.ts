import { exampleEvents } from '@kanary/contracts';
import { EvidenceBook } from '@kanary/evidence';
import { RolloutHistory } from '@kanary/rollout-client';
import { describe, expect, it } from 'vitest';
import { ARMS, EvidenceSource, T0, TERMS } from './evidence.fixtures.js';
import { evidenceSeries } from './evidence-series.js';
import { rolloutFragment } from './rollout-page.js';
import { summarise } from './rollout-summary.js';

function fragment(book: EvidenceBook, low: number | null): string {
  const history = new RolloutHistory();
  const state = {
    ...exampleEvents.RolloutState,
    rolloutId: 'r1',
    model: 'm',
    phase: 'SHADOW' as const,
    stable: 'v1',
    canary: 'v2',
    startedAt: T0,
    updatedAt: T0,
  };
  history.record({ kind: 'state', value: state });
  const record = history.get('r1')!;
  return rolloutFragment(
    {
      record,
      summary: summarise(record, state, { book, low }),
      series: evidenceSeries(book.buckets('r1'), { low, maxSlots: 100 }),
    },
    { now: T0 + 30_000, operatorEnabled: true },
  );
}

describe('rolloutFragment', () => {
  it('shows one row per arm of the merged evidence, shadow copies included, and when the evidence is complete to', () => {
    const book = new EvidenceBook();
    const records = new EvidenceSource(0, 1, TERMS)
      .fold({ ...ARMS.stable, at: T0 + 100, routed: 10, labelled: 8, correct: 6 })
      .fold({ ...ARMS.shadow, at: T0 + 100, routed: 10, labelled: 8, correct: 7 })
      .checkpoint(T0 + 20_000);
    for (const record of records) book.apply(record);

    const html = fragment(book, book.progress().low);
    expect(html).toMatch(
      /<tr class="arm-stable"><td>stable<\/td><td><code>v1<\/code><\/td><td>10<\/td><td>8<\/td>/,
    );
    expect(html).toContain('<tr class="arm-shadow"><td>shadow copies</td><td><code>v2</code>');
    // Mature (T0 + 1 s + 15 s ≤ T0 + 20 s): 8 of 10 labelled in the window, 2 never were.
    expect(html).toContain('<td>80%</td><td>0</td><td>2</td>');
    expect(html).toContain('complete to 2026-01-01 00:00:20 UTC event time');
    expect(html).toContain('aria-label="Accuracy per arm (band: always-valid 95 % interval)"');
    expect(html).toContain('shadow v2');
    expect(fragment(book, null)).toContain('not every source partition has reported a watermark');
  });

  it('says when the evaluator has published no evidence yet', () => {
    expect(fragment(new EvidenceBook(), null)).toContain('No evidence from the evaluator yet.');
  });
});
