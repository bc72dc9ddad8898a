import { exampleEvents, type DecisionReport, type VariantMetrics } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { renderReport, segmentTable, type ScenarioRecord } from './report-html.js';

const t0 = 1_767_225_600_000;

const metrics = (
  variant: string,
  role: 'STABLE' | 'CANARY',
  segments: Array<[string, number, number]>,
  at: number,
): VariantMetrics => ({
  ...exampleEvents.VariantMetrics,
  rolloutId: 'ro-1',
  model: 'weather-segments',
  variant,
  role,
  segments: segments.map(([segment, labelled, correct]) => ({
    segment,
    labelled,
    correct,
    accuracy: correct / labelled,
  })),
  at,
});

const segmentEvidence = (
  segment: string,
  outcome: 'PASS' | 'FAIL' | 'INCONCLUSIVE',
  detail: string,
) => ({ ...exampleEvents.DecisionReport.evidence[0]!, segment, outcome, detail });

const rollback: DecisionReport = {
  ...exampleEvents.DecisionReport,
  rolloutId: 'ro-1',
  action: 'ROLLBACK',
  reason: 'Roll back: accuracy: canary 60.0 % vs stable 76.0 % in segment winter, Δ -16.0 points',
  evidence: [
    { ...exampleEvents.DecisionReport.evidence[0]!, outcome: 'INCONCLUSIVE' },
    segmentEvidence('summer', 'INCONCLUSIVE', 'canary 86.0 % vs stable 80.0 % in segment summer'),
    segmentEvidence('winter', 'FAIL', 'canary 60.0 % vs stable 76.0 % in segment winter'),
  ],
  at: t0 + 90_000,
};

function record(overrides: Partial<ScenarioRecord> = {}): ScenarioRecord {
  return {
    name: 'Canary worse in winter',
    description: 'A tree trained on bad winter labels.',
    model: 'weather-segments',
    rolloutId: 'ro-1',
    stable: 'weather-logreg-v1',
    canary: 'weather-tree-v4',
    startedAt: t0,
    endedAt: t0 + 95_000,
    outcome: 'ROLLED_BACK',
    expected: 'ROLLED_BACK',
    states: [{ at: t0, phase: 'CANARY', canaryWeight: 0.1, stepIndex: 0 }],
    metrics: [
      // An older snapshot first: the table shows the latest of each arm.
      metrics('weather-tree-v4', 'CANARY', [['winter', 10, 1]], t0 + 30_000),
      metrics(
        'weather-logreg-v1',
        'STABLE',
        [
          ['winter', 2000, 1520],
          ['summer', 2100, 1680],
        ],
        t0 + 90_000,
      ),
      metrics(
        'weather-tree-v4',
        'CANARY',
        [
          ['summer', 230, 198],
          ['winter', 250, 150],
        ],
        t0 + 90_000,
      ),
    ],
    decisions: [rollback],
    requests: 13_000,
    segmentFeature: 'season',
    ...overrides,
  };
}

/** The table's rows as the text of their cells. */
function rows(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!.replace(/<[^>]+>/g, ''),
    ),
  );
}

describe('segmentTable', () => {
  it('shows both arms per segment from the latest snapshots and marks the failing segment', () => {
    const html = segmentTable(record());
    expect(html).toContain('<h3>Accuracy per segment (<code>season</code>)</h3>');
    expect(html).toContain('Rolled back on segment <b>winter</b>');
    expect(rows(html)).toEqual([
      [
        'segment',
        'stable labelled',
        'stable accuracy',
        'canary labelled',
        'canary accuracy',
        'Δ points',
        'last decision (mature labels)',
      ],
      [
        'summer',
        '2100',
        '80.0 %',
        '230',
        '86.1 %',
        '6.1',
        'INCONCLUSIVE canary 86.0 % vs stable 80.0 % in segment summer',
      ],
      [
        'winter',
        '2000',
        '76.0 %',
        '250',
        '60.0 %',
        '-16.0',
        'FAIL canary 60.0 % vs stable 76.0 % in segment winter',
      ],
    ]);
    expect(html).toMatch(/<tr class="failed"><th>winter<\/th>/);
    expect(html).not.toMatch(/<tr class="failed"><th>summer<\/th>/);
  });

  it('lists a segment one arm has not seen yet, and says when the decision did not judge it', () => {
    const html = segmentTable(
      record({
        metrics: [
          metrics('weather-logreg-v1', 'STABLE', [['autumn', 40, 30]], t0 + 10_000),
          metrics('weather-tree-v4', 'CANARY', [], t0 + 10_000),
        ],
        decisions: [],
        outcome: 'CANARY',
      }),
    );
    expect(rows(html).slice(1)).toEqual([['autumn', '40', '75.0 %', '0', '–', '–', 'not judged']]);
    expect(html).not.toContain('Rolled back on segment');
  });

  it('is empty for a scenario without segments', () => {
    const none = record({
      metrics: [metrics('weather-logreg-v1', 'STABLE', [], t0)],
      decisions: [{ ...rollback, evidence: [exampleEvents.DecisionReport.evidence[0]!] }],
      segmentFeature: null,
    });
    expect(segmentTable(none)).toBe('');
  });
});

describe('renderReport', () => {
  it('puts the segment table in the scenario that has segments only', () => {
    const html = renderReport({
      title: 'Kanary demo',
      generatedAt: t0 + 100_000,
      facts: [],
      scenarios: [
        record({ name: 'Better canary', metrics: [], decisions: [], segmentFeature: null }),
        record(),
      ],
    });
    expect(html.match(/Accuracy per segment/g)).toHaveLength(1);
    expect(html.indexOf('Accuracy per segment')).toBeGreaterThan(
      html.indexOf('Canary worse in winter'),
    );
    expect(html).not.toMatch(/<script/);
  });
});

describe('an A/B/n scenario', () => {
  const candidates = ['weather-stump-v0', 'weather-tree-v2', 'weather-tree-v3'];
  const arm = (variant: string, role: 'STABLE' | 'CANARY', labelled: number, correct: number) => ({
    ...metrics(variant, role, [], t0 + 60_000),
    labelled,
    correct,
    accuracy: correct / labelled,
  });
  const decided = (candidate: string, action: 'ROLLBACK' | 'PROMOTE', at: number) => ({
    ...rollback,
    candidate,
    action,
    reason: `${action === 'ROLLBACK' ? 'Roll back' : 'Promote'}: accuracy of ${candidate}`,
    at,
  });
  const abn = record({
    name: 'Three candidates',
    model: 'weather-candidates',
    canary: null,
    candidates,
    expected: 'PROMOTED',
    outcome: 'PROMOTED',
    expectedRolledBack: ['weather-stump-v0'],
    expectedPromoted: ['weather-tree-v2', 'weather-tree-v3'],
    finalCandidates: [
      { variant: 'weather-stump-v0', status: 'ROLLED_BACK' },
      { variant: 'weather-tree-v2', status: 'ENDED' },
      { variant: 'weather-tree-v3', status: 'PROMOTED' },
    ],
    states: [
      {
        at: t0,
        phase: 'CANARY',
        canaryWeight: 0.3,
        stepIndex: 0,
        candidates: candidates.map((variant) => ({ variant, weight: 0.1, status: 'LIVE' })),
      },
    ],
    metrics: [
      arm('weather-logreg-v1', 'STABLE', 900, 720),
      arm('weather-stump-v0', 'CANARY', 100, 65),
      arm('weather-tree-v2', 'CANARY', 300, 258),
      arm('weather-tree-v3', 'CANARY', 300, 260),
    ],
    decisions: [
      decided('weather-stump-v0', 'ROLLBACK', t0 + 30_000),
      decided('weather-tree-v3', 'PROMOTE', t0 + 90_000),
    ],
  });

  it('shows every arm with its status, numbers and the last decision about it', () => {
    const html = renderReport({ title: 't', generatedAt: t0, scenarios: [abn], facts: [] });
    const arms = html.slice(html.indexOf('<h3>Arms</h3>'), html.indexOf('<h3>Decision log'));
    for (const variant of ['weather-logreg-v1', ...candidates]) {
      expect(arms).toContain(`<code>${variant}</code>`);
    }
    expect(arms).toMatch(/candidate, ROLLED_BACK<\/td><td>\d+<\/td><td>100<\/td><td>65\.0 %/);
    expect(arms).toContain('candidate, PROMOTED');
    expect(arms).toContain('PROMOTE: Promote: accuracy of weather-tree-v3');
    // The decision log names the candidate each decision is about, and the badge is green.
    expect(html).toContain('<b class="a-ROLLBACK">ROLLBACK</b> <code>weather-stump-v0</code>');
    expect(html).toContain('<span class="badge ok">PROMOTED</span>');
    // A weight line per candidate.
    expect(html).toContain('share of weather-tree-v2');
  });

  it('is not as expected when the wrong candidate is promoted', () => {
    const wrong = record({
      ...abn,
      finalCandidates: [
        { variant: 'weather-stump-v0', status: 'PROMOTED' },
        { variant: 'weather-tree-v2', status: 'ROLLED_BACK' },
        { variant: 'weather-tree-v3', status: 'ROLLED_BACK' },
      ],
    });
    const html = renderReport({ title: 't', generatedAt: t0, scenarios: [wrong], facts: [] });
    expect(html).toContain('<span class="badge bad">PROMOTED</span>');
  });
});
