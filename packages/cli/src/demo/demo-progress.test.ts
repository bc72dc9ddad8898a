import { exampleEvents, type DecisionReport, type VariantMetrics } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { outcomeLine, scenarioLines, segmentLine, type ScenarioView } from './demo-progress.js';
import { DEMO_SCENARIOS } from './demo-scenarios.js';
import type { ScenarioRecord } from './report-html.js';
import { failedSegments } from './segment-accuracy.js';

const scenario = DEMO_SCENARIOS.find((s) => s.model === 'weather-segments')!;
const t0 = 1_767_225_600_000;

const arm = (variant: string, segments: Array<[string, number, number]>): VariantMetrics => ({
  ...exampleEvents.VariantMetrics,
  variant,
  segments: segments.map(([segment, labelled, correct]) => ({
    segment,
    labelled,
    correct,
    accuracy: correct / labelled,
  })),
});

const evidence = (segment: string | null, outcome: 'PASS' | 'FAIL' | 'INCONCLUSIVE') => ({
  ...exampleEvents.DecisionReport.evidence[0]!,
  segment,
  outcome,
});

const rollback: DecisionReport = {
  ...exampleEvents.DecisionReport,
  action: 'ROLLBACK',
  reason:
    'Roll back: accuracy: canary 60.0 % vs stable 76.0 % in segment winter, Δ -16.0 points; 99.38 % always-valid interval -25.0 to -7.0 points lies below 0.0 points',
  evidence: [
    evidence(null, 'INCONCLUSIVE'),
    evidence('spring', 'INCONCLUSIVE'),
    evidence('winter', 'FAIL'),
  ],
  at: t0 + 90_000,
};

const view = (overrides: Partial<ScenarioView> = {}): ScenarioView => ({
  scenario,
  state: undefined,
  stable: arm('weather-logreg-v1', [
    ['winter', 1000, 760],
    ['spring', 1000, 870],
  ]),
  canary: arm('weather-tree-v4', [
    ['winter', 250, 150],
    ['spring', 240, 216],
  ]),
  decision: rollback,
  segmentFeature: 'season',
  startedAt: t0,
  now: t0 + 91_000,
  ...overrides,
});

describe('segmentLine', () => {
  it('shows canary vs stable accuracy per segment and the segments the decision failed', () => {
    expect(segmentLine(view())).toBe(
      '  per segment (season), canary vs stable: spring 90.0% vs 87.0% · winter 60.0% vs 76.0% FAIL',
    );
  });

  it('is absent while no arm carries segments', () => {
    expect(
      segmentLine(view({ stable: arm('a', []), canary: undefined, decision: undefined })),
    ).toBe(null);
  });
});

describe('scenarioLines', () => {
  it('adds the segment line above the decision, whose headline names the segment', () => {
    const lines = scenarioLines(view());
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatch(/^ {2}per segment \(season\)/);
    expect(lines[4]).toBe(
      '  latest decision: ROLLBACK at +90 s — Roll back: accuracy: canary 60.0 % vs stable 76.0 % in segment winter, Δ -16.0 points',
    );
  });

  it('keeps four lines for a scenario without segments', () => {
    const lines = scenarioLines(
      view({ stable: arm('a', []), canary: arm('b', []), decision: undefined }),
    );
    expect(lines).toHaveLength(4);
  });
});

describe('failedSegments', () => {
  it('names the segments whose evidence failed, not the whole-arm rows', () => {
    expect(failedSegments(rollback)).toEqual(['winter']);
    expect(
      failedSegments({
        ...rollback,
        evidence: [evidence(null, 'FAIL'), evidence('spring', 'PASS')],
      }),
    ).toEqual([]);
    expect(failedSegments(undefined)).toEqual([]);
  });
});

describe('outcomeLine', () => {
  const record: ScenarioRecord = {
    name: scenario.name,
    description: scenario.description,
    model: scenario.model,
    rolloutId: 'ro-1',
    stable: scenario.stable,
    canary: scenario.canary,
    startedAt: t0,
    endedAt: t0 + 95_000,
    outcome: 'ROLLED_BACK',
    expected: 'ROLLED_BACK',
    states: [],
    metrics: [],
    decisions: [{ ...rollback, action: 'HOLD', at: t0 + 60_000 }, rollback],
    requests: 13_000,
    segmentFeature: 'season',
  };

  it('says when and why it ended, and in which segment the canary was worse', () => {
    expect(outcomeLine(record)).toBe(
      'Canary worse in winter (weather-segments: weather-logreg-v1 → weather-tree-v4): ROLLED_BACK after 90.0 s, as expected — Roll back: accuracy: canary 60.0 % vs stable 76.0 % in segment winter, Δ -16.0 points [worse in season winter]',
    );
  });

  it('flags an unexpected outcome and names no segment for a whole-arm decision', () => {
    const promoted: DecisionReport = {
      ...rollback,
      action: 'PROMOTE',
      reason: 'Promote: accuracy: canary 86.7 % vs stable 80.2 %, Δ +6.4 points',
      evidence: [evidence(null, 'PASS')],
    };
    expect(outcomeLine({ ...record, outcome: 'PROMOTED', decisions: [promoted] })).toBe(
      'Canary worse in winter (weather-segments: weather-logreg-v1 → weather-tree-v4): PROMOTED after 90.0 s, EXPECTED ROLLED_BACK — Promote: accuracy: canary 86.7 % vs stable 80.2 %, Δ +6.4 points',
    );
  });
});
