import { exampleEvents, type DecisionReport } from '@kanary/contracts';
import { EvidenceBook } from '@kanary/evidence';
import { RolloutHistory } from '@kanary/rollout-client';
import { describe, expect, it } from 'vitest';
import { ARMS, EvidenceSource, T0, TERMS, scoredBook } from './evidence.fixtures.js';
import { evidenceSeries } from './evidence-series.js';
import { rolloutFragment } from './rollout-page.js';
import { SEGMENT_ROWS } from './segment-table.js';
import { summarise } from './rollout-summary.js';

function fragment(
  book: EvidenceBook,
  low: number | null,
  decisions: readonly DecisionReport[] = [],
): string {
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
  for (const value of decisions) history.record({ kind: 'decision', value });
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

  it("shows the arms' mean metrics and outcomes, and per segment each arm's labelled, accuracy with its interval and MAE", () => {
    const book = scoredBook();
    const html = fragment(book, book.progress().low);
    expect(html).toContain(
      '<table class="scores"><tr><th>arm</th><th>variant</th><th>MAE</th><th>RMSE</th><th>log-loss</th><th>Brier</th><th>outcome <code>revenue</code></th><th>outcome <code>umbrellasSold</code></th></tr>',
    );
    expect(html).toContain(
      '<tr class="arm-stable"><td>stable</td><td><code>v1</code></td><td>–</td><td>–</td><td>0.0943</td><td>0.0126</td><td>–</td><td>3</td></tr>',
    );
    expect(html).toContain(
      '<tr class="arm-canary"><td>canary</td><td><code>v2</code></td><td>1.5</td><td>1.87</td><td>–</td><td>–</td><td>10</td><td>–</td></tr>',
    );
    expect(html).toContain(
      '<h2>Segments</h2>\n<table class="segments"><tr><th>segment</th><th>stable labelled</th><th>stable accuracy [always-valid 95 %]</th><th>canary labelled</th><th>canary accuracy [always-valid 95 %]</th><th>canary MAE</th></tr>',
    );
    // The most labelled over both arms first; ties by name.
    const rows = [...html.matchAll(/<tr><td><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1]);
    expect(rows).toEqual(['north', 'south', 'spring']);
    expect(html).toMatch(
      /<tr><td><code>north<\/code><\/td><td>0<\/td><td>–<\/td><td>60<\/td><td>100% \[\d+(\.\d)?%, 100%\]<\/td><td>1\.43<\/td><\/tr>/,
    );
    expect(html).toMatch(
      /<tr><td><code>spring<\/code><\/td><td>20<\/td><td>75% \[\d+(\.\d)?%, \d+(\.\d)?%\]<\/td><td>0<\/td><td>–<\/td><td>–<\/td><\/tr>/,
    );
  });

  it('shows no score or segment table for arms without scores or segments, and names the segment of each evidence row', () => {
    const book = new EvidenceBook();
    const plain = { logLoss: null, brier: null, segment: null, outcomes: null };
    const records = new EvidenceSource(0, 1, TERMS)
      .fold({
        ...ARMS.stable,
        at: T0 + 100,
        routed: 10,
        labelled: 8,
        correct: 6,
        values: () => plain,
      })
      .checkpoint(T0 + 20_000);
    for (const record of records) book.apply(record);
    const [whole] = exampleEvents.DecisionReport.evidence;
    const decision = {
      ...exampleEvents.DecisionReport,
      rolloutId: 'r1',
      model: 'm',
      at: T0 + 20_000,
      evidence: [whole!, { ...whole!, segment: 'north', outcome: 'FAIL' as const }],
    };
    const html = fragment(book, book.progress().low, [decision]);
    expect(html).toContain('<table class="arms">');
    expect(html).not.toContain('class="scores"');
    expect(html).not.toContain('<h2>Segments</h2>');
    expect(html).toContain('<tr><td>accuracy</td><td class="o-PASS">PASS</td>');
    expect(html).toContain(
      '<tr><td>accuracy <span class="segment">[north]</span></td><td class="o-FAIL">FAIL</td>',
    );
  });

  it(`lists ${SEGMENT_ROWS} segments at most and says how many more the JSON API has`, () => {
    const book = new EvidenceBook();
    const records = new EvidenceSource(0, 1, TERMS)
      .fold({
        ...ARMS.stable,
        at: T0 + 100,
        routed: SEGMENT_ROWS + 5,
        labelled: SEGMENT_ROWS + 5,
        correct: 0,
        values: (i) => ({ segment: `s${String(i).padStart(2, '0')}` }),
      })
      .checkpoint(T0 + 20_000);
    for (const record of records) book.apply(record);
    const html = fragment(book, book.progress().low);
    expect(html.match(/<tr><td><code>s\d+<\/code>/g)).toHaveLength(SEGMENT_ROWS);
    expect(html).toContain('<p class="muted">5 more segments in the JSON API.</p>');
  });

  it('says when the evaluator has published no evidence yet', () => {
    expect(fragment(new EvidenceBook(), null)).toContain('No evidence from the evaluator yet.');
  });
});

describe('rolloutFragment of an A/B/n rollout', () => {
  it('shows each candidate with its weight, step, accuracy against the stable, the decision about it and its own buttons', () => {
    const history = new RolloutHistory();
    const state = {
      ...exampleEvents.RolloutState,
      rolloutId: 'r1',
      model: 'm',
      phase: 'CANARY' as const,
      stable: 'v1',
      canary: null,
      approval: null,
      startedAt: T0,
      updatedAt: T0,
      candidates: [
        { variant: 'a', status: 'LIVE' as const, weight: 0.2, stepIndex: 1 },
        { variant: 'b<x>', status: 'ROLLED_BACK' as const, weight: 0, stepIndex: 0 },
      ].map((c) => ({ ...c, stepStartedAt: T0, changedAt: T0 })),
    };
    history.record({ kind: 'state', value: state });
    history.record({
      kind: 'decision',
      value: {
        ...exampleEvents.DecisionReport,
        rolloutId: 'r1',
        model: 'm',
        candidate: 'b<x>',
        action: 'ROLLBACK',
        stepIndex: 0,
        reason: 'worse than the stable',
        at: T0 + 10_000,
      },
    });
    const book = new EvidenceBook();
    const records = new EvidenceSource(0, 1, TERMS)
      .fold({ ...ARMS.stable, at: T0 + 100, routed: 100, labelled: 100, correct: 80 })
      .fold({ ...ARMS.canary, variant: 'a', at: T0 + 100, routed: 40, labelled: 40, correct: 34 })
      .checkpoint(T0 + 20_000);
    for (const record of records) book.apply(record);
    const record = history.get('r1')!;
    const low = book.progress().low;
    const html = rolloutFragment(
      {
        record,
        summary: summarise(record, state, { book, low }),
        series: evidenceSeries(book.buckets('r1'), { low, maxSlots: 100 }),
      },
      { now: T0 + 30_000, operatorEnabled: true },
    );
    expect(html).toContain(
      '<th>stable / candidates</th><td><code>v1</code> / <code>a</code>, <code>b&lt;x&gt;</code></td>',
    );
    expect(html).toContain('<h2>Candidates (2) against the stable <code>v1</code></h2>');
    expect(html).toMatch(
      /<tr class="candidate c-LIVE" data-candidate="a"><td><code>a<\/code><\/td><td class="status">LIVE<\/td><td>20%<\/td><td>2<\/td>\n<td>40<\/td><td>85% \[\d+(\.\d)?%, \d+(\.\d)?%\]<\/td><td>\+5\.0 pts<\/td><td>–<\/td>/,
    );
    expect(html).toContain(
      '<button type="button" data-model="m" data-rollout="r1" data-verb="promote" data-canary="a">promote a</button>',
    );
    expect(html).toContain(
      'data-verb="rollback" data-canary="a" class="danger">rollback a</button>',
    );
    expect(html).toContain(
      '<td class="status">ROLLED_BACK</td><td>0%</td><td>1</td>\n<td>–</td><td>–</td><td>–</td><td><b>ROLLBACK</b> at step 1 — worse than the stable</td><td class="actions"></td>',
    );
    // The rollout's own buttons: no promote without a candidate; rollback ends every candidate.
    expect(html).not.toMatch(/data-verb="promote"(?! data-canary)/);
    expect(html).toContain('(rollback: every candidate)');
  });
});
