import type { DecisionReport, VariantMetrics } from '@kanary/contracts';
import { accuracyInterval } from './arm-interval.js';
import { escapeHtml, lineChart, type ChartSeries } from './svg-chart.js';

/** Everything the demo observed of one scenario, in the order it was observed. */
export interface ScenarioRecord {
  readonly name: string;
  readonly description: string;
  readonly model: string;
  readonly rolloutId: string;
  readonly stable: string;
  readonly canary: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Final phase (PROMOTED, ROLLED_BACK) or what was reached when the scenario's time ran out. */
  readonly outcome: string;
  readonly expected: string;
  readonly states: ReadonlyArray<{
    at: number;
    phase: string;
    canaryWeight: number;
    stepIndex: number;
  }>;
  readonly metrics: readonly VariantMetrics[];
  readonly decisions: readonly DecisionReport[];
  readonly requests: number;
}

export interface ReportInput {
  readonly title: string;
  readonly generatedAt: number;
  readonly scenarios: readonly ScenarioRecord[];
  /** Free-form facts shown at the top (versions, traffic rate, label delay...). */
  readonly facts: ReadonlyArray<[string, string]>;
}

const COLORS = { stable: '#1f6feb', canary: '#d9480f' } as const;
const seconds = (at: number, t0: number) => Math.round((at - t0) / 100) / 10;
const pct = (y: number) => `${Math.round(y * 1000) / 10}%`;

function armSeries(s: ScenarioRecord, variant: string, role: 'stable' | 'canary') {
  const rows = s.metrics.filter((m) => m.variant === variant && m.rolloutId === s.rolloutId);
  const accuracy: ChartSeries = {
    name: `${role} ${variant}`,
    color: COLORS[role],
    points: rows
      .filter((m) => m.accuracy !== null)
      .map((m) => ({ x: seconds(m.at, s.startedAt), y: m.accuracy! })),
    band: rows.flatMap((m) => {
      const interval = accuracyInterval(m);
      return interval === null
        ? []
        : [{ x: seconds(m.at, s.startedAt), lo: interval.lower, hi: interval.upper }];
    }),
  };
  const latency = (q: 'latencyP50' | 'latencyP95', dashed: boolean): ChartSeries => ({
    name: `${role} ${q === 'latencyP50' ? 'p50' : 'p95'}`,
    color: COLORS[role],
    dashed,
    points: rows
      .filter((m) => m[q] !== null)
      .map((m) => ({ x: seconds(m.at, s.startedAt), y: m[q]! })),
  });
  return { accuracy, p50: latency('latencyP50', true), p95: latency('latencyP95', false) };
}

function evidenceTable(d: DecisionReport): string {
  if (d.evidence.length === 0) return '';
  const num = (v: number | null, f: (x: number) => string = (x) => x.toFixed(4)) =>
    v === null ? '–' : f(v);
  const rows = d.evidence
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.metric)}</td><td class="o-${e.outcome}">${e.outcome}</td><td>${e.nStable}</td><td>${e.nCanary}</td>` +
        `<td>${num(e.estimateStable)}</td><td>${num(e.estimateCanary)}</td><td>${num(e.difference)}</td>` +
        `<td>[${num(e.lower)}, ${num(e.upper)}]</td><td>${num(e.threshold)}</td><td>${num(e.pValue, (x) => x.toPrecision(3))}</td><td>${escapeHtml(e.detail)}</td></tr>`,
    )
    .join('');
  return `<table class="evidence"><tr><th>metric</th><th>outcome</th><th>n stable</th><th>n canary</th><th>stable</th><th>canary</th><th>Δ</th><th>interval</th><th>threshold</th><th>p</th><th>reading</th></tr>${rows}</table>`;
}

function scenarioSection(s: ScenarioRecord): string {
  const stable = armSeries(s, s.stable, 'stable');
  const canary = armSeries(s, s.canary, 'canary');
  // Once promoted the canary is the stable variant and serves everything: plot 100 %, not the
  // state's weight of 0 (which then means "no canary").
  const newVersionShare = (st: ScenarioRecord['states'][number] | undefined) =>
    st === undefined ? 0 : st.phase === 'PROMOTED' ? 1 : st.canaryWeight;
  const weight: ChartSeries = {
    name: `share of ${s.canary}`,
    color: COLORS.canary,
    step: true,
    points: [
      ...s.states.map((st) => ({ x: seconds(st.at, s.startedAt), y: newVersionShare(st) })),
      { x: seconds(s.endedAt, s.startedAt), y: newVersionShare(s.states.at(-1)) },
    ],
  };
  const charts = [
    lineChart({
      title: 'Canary weight (100 % once promoted, 0 % once rolled back)',
      xLabel: 'seconds since start',
      yLabel: 'share of traffic',
      series: [weight],
      yMin: 0,
      yMax: 1,
      yFormat: pct,
    }),
    lineChart({
      title: 'Accuracy per arm (band: always-valid 95 % interval)',
      xLabel: 'seconds since start',
      yLabel: 'accuracy',
      series: [stable.accuracy, canary.accuracy],
      yFormat: pct,
    }),
    lineChart({
      title: 'Latency quantiles (dashed p50, solid p95)',
      xLabel: 'seconds since start',
      yLabel: 'ms',
      series: [stable.p50, stable.p95, canary.p50, canary.p95],
      yMin: 0,
    }),
  ];
  const log = s.decisions
    .map(
      (d) =>
        `<details${d.action === 'HOLD' ? '' : ' open'}><summary><span class="t">+${seconds(d.at, s.startedAt)} s</span> <b class="a-${d.action}">${d.action}</b> step ${d.stepIndex}, weight ${pct(d.canaryWeight)} — ${escapeHtml(d.reason)}</summary>${evidenceTable(d)}</details>`,
    )
    .join('\n');
  const ok = s.outcome === s.expected;
  return `<section>
<h2>${escapeHtml(s.name)} <span class="badge ${ok ? 'ok' : 'bad'}">${escapeHtml(s.outcome)}</span></h2>
<p>${escapeHtml(s.description)}</p>
<p class="facts">model <code>${escapeHtml(s.model)}</code>, rollout <code>${escapeHtml(s.rolloutId)}</code>: stable <code>${escapeHtml(s.stable)}</code>, canary <code>${escapeHtml(s.canary)}</code>; ${s.requests} requests in ${seconds(s.endedAt, s.startedAt)} s; expected ${escapeHtml(s.expected)}.</p>
<div class="charts">${charts.map((c) => `<figure>${c}</figure>`).join('')}</div>
<h3>Decision log (${s.decisions.length})</h3>
${log || '<p>No decision was published.</p>'}
</section>`;
}

/** A self-contained HTML page (inline CSS and SVG, no scripts, no network). */
export function renderReport(input: ReportInput): string {
  const facts = input.facts
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1340px;color:#1b1f24;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-top:1px solid #d0d7de;padding-top:16px}
.badge{font-size:13px;padding:2px 8px;border-radius:10px;color:#fff}.ok{background:#1a7f37}.bad{background:#cf222e}
.charts{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:4px}
svg .title{font-weight:600;font-size:13px}svg .tick,svg .legend{font-size:11px;fill:#57606a}svg .axis{font-size:11px;fill:#57606a}svg .grid{stroke:#eaeef2}
table{border-collapse:collapse;font-size:12px;margin:6px 0 10px}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left}
.o-PASS{color:#1a7f37}.o-FAIL{color:#cf222e;font-weight:600}.a-ROLLBACK{color:#cf222e}.a-PROMOTE,.a-ADVANCE{color:#1a7f37}.a-PAUSE{color:#9a6700}
details{margin:2px 0}summary{cursor:pointer}.t{color:#57606a;font-variant-numeric:tabular-nums}code{font-size:12px}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Generated ${escapeHtml(new Date(input.generatedAt).toISOString())}.</p>
<table class="facts">${facts}</table>
${input.scenarios.map(scenarioSection).join('\n')}
</body></html>
`;
}
