import { exampleEvents, type VariantMetrics } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { decisionLog, evidenceTable } from './decision-log.js';
import { armCharts, rolloutCharts, type RolloutTimeline } from './rollout-charts.js';

const metrics = (variant: string, at: number, correct: number): VariantMetrics => ({
  ...exampleEvents.VariantMetrics,
  rolloutId: 'r1',
  variant,
  predictions: 200,
  labelled: 100,
  correct,
  accuracy: correct / 100,
  latencyP50: 10,
  latencyP95: 30,
  at,
});

const timeline: RolloutTimeline = {
  rolloutId: 'r1',
  stable: 'v1',
  canary: 'v2',
  startedAt: 0,
  endedAt: 20_000,
  states: [
    { at: 0, phase: 'CANARY', canaryWeight: 0.1, stepIndex: 0 },
    { at: 10_000, phase: 'PROMOTED', canaryWeight: 0, stepIndex: 1 },
  ],
  metrics: [
    metrics('v1', 5_000, 80),
    metrics('v2', 5_000, 90),
    metrics('v1', 9_000, 81),
    metrics('v2', 9_000, 91),
    { ...metrics('v2', 9_500, 10), rolloutId: 'other' },
  ],
};

describe('rolloutCharts', () => {
  it('draws weight, accuracy with its interval band, latency and coverage per arm', () => {
    const charts = rolloutCharts(timeline);
    // Weight: a step line that ends at 100 % once promoted.
    expect(charts.weight).toContain('share of v2');
    expect(charts.weight).toMatch(/<polyline points="[^"]+"/);
    // Accuracy: one band (polygon) and one line per arm; the other rollout's snapshot is ignored.
    expect(charts.accuracy.match(/<polygon /g)).toHaveLength(2);
    expect(charts.accuracy).toContain('stable v1');
    expect(charts.accuracy).toContain('canary v2');
    expect(charts.accuracy).not.toContain('>10%<');
    expect(charts.latency.match(/<polyline /g)).toHaveLength(4);
    expect(charts.coverage).toContain('Label coverage');
    for (const svg of Object.values(charts)) expect(svg).toMatch(/^<svg [^>]*>.*<\/svg>$/s);
  });

  it('draws the stable arm alone while the canary is unknown', () => {
    const charts = rolloutCharts({ ...timeline, canary: null });
    expect(charts.accuracy).not.toContain('canary v2');
    expect(charts.weight).toContain('share of the canary');
  });
});

describe('armCharts', () => {
  const point = (at: number, accuracy: number | null) => ({
    at,
    accuracy,
    interval: accuracy === null ? null : { lower: accuracy - 0.1, upper: accuracy + 0.1 },
    latencyP50: 10,
    latencyP95: null,
    coverage: 0.5,
  });

  it('draws the points a caller computed, in its words, leaving out values not known', () => {
    const charts = armCharts({
      ...timeline,
      arms: [
        {
          name: 'shadow v2',
          shortName: 'shadow',
          color: '#8250df',
          points: [point(1_000, null), point(2_000, 0.8), point(3_000, 0.9)],
        },
      ],
      wording: { xLabel: 'seconds (event time)', coverageTitle: 'Coverage per slot' },
    });
    expect(charts.accuracy).toContain('shadow v2');
    expect(charts.accuracy.match(/<polygon /g)).toHaveLength(1);
    // Two known accuracies: one line of two points.
    expect(charts.accuracy).toMatch(/<polyline points="[\d.]+,[\d.]+ [\d.]+,[\d.]+" /);
    expect(charts.accuracy).toContain('seconds (event time)');
    expect(charts.coverage).toContain('aria-label="Coverage per slot"');
    // p50 only: no p95 is known.
    expect(charts.latency.match(/<polyline /g)).toHaveLength(1);
    expect(charts.latency).toContain('shadow p50');
    expect(charts.latency).toContain('Latency quantiles (dashed p50, solid p95)');
    expect(charts.weight).toContain('seconds since start');
  });
});

describe('decisionLog', () => {
  it('lists decisions newest first on request, with escaped reasons and their evidence open unless HOLD', () => {
    const advance = { ...exampleEvents.DecisionReport, at: 2_000, reason: 'a < b & c' };
    const hold = { ...exampleEvents.DecisionReport, action: 'HOLD' as const, at: 1_000 };
    const html = decisionLog([hold, advance], { startedAt: 0, newestFirst: true });
    expect(html.indexOf('ADVANCE')).toBeLessThan(html.indexOf('HOLD'));
    expect(html).toContain('a &lt; b &amp; c');
    expect(html).toContain('<details open><summary><span class="t">+2 s</span>');
    expect(html).toContain('<details><summary><span class="t">+1 s</span>');
    expect(evidenceTable(advance)).toContain('<td class="o-PASS">PASS</td>');
  });

  it('names the segment a row was judged within', () => {
    const [whole] = exampleEvents.DecisionReport.evidence;
    const html = evidenceTable({
      ...exampleEvents.DecisionReport,
      evidence: [whole!, { ...whole!, segment: 'north & co', outcome: 'FAIL' }],
    });
    expect(html).toContain('<tr><td>accuracy</td><td class="o-PASS">');
    expect(html).toContain(
      '<tr><td>accuracy <span class="segment">[north &amp; co]</span></td><td class="o-FAIL">',
    );
  });
});
