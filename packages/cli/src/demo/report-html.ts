import {
  accuracyInterval,
  decisionLog,
  escapeHtml,
  ROLLOUT_STYLES,
  rolloutCharts,
  type RolloutSpan,
} from '@kanary/charts';
import { demoOutcomeAsExpected } from './demo-progress.js';
import type { DecisionReport, VariantMetrics } from '@kanary/contracts';
import { failedSegments, segmentAccuracy, type ArmSegment } from './segment-accuracy.js';

/** Everything the demo observed of one scenario, in the order it was observed. */
export interface ScenarioRecord {
  readonly name: string;
  readonly description: string;
  readonly model: string;
  readonly rolloutId: string;
  readonly stable: string;
  /** The canary; null for an A/B/n scenario. */
  readonly canary: string | null;
  /** A/B/n: the candidates, in START order. */
  readonly candidates?: readonly string[];
  /** A/B/n: what a correct decision service does with the candidates. */
  readonly expectedRolledBack?: readonly string[];
  readonly expectedPromoted?: readonly string[];
  /** A/B/n: each candidate's status when the scenario ended. */
  readonly finalCandidates?: ReadonlyArray<{ readonly variant: string; readonly status: string }>;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Final phase (PROMOTED, ROLLED_BACK) or what was reached when the scenario's time ran out. */
  readonly outcome: string;
  readonly expected: string;
  readonly states: RolloutSpan['states'];
  readonly metrics: readonly VariantMetrics[];
  readonly decisions: readonly DecisionReport[];
  readonly requests: number;
  /** The request feature whose values are the segments the policy guards; null: none named. */
  readonly segmentFeature: string | null;
}

export interface ReportInput {
  readonly title: string;
  readonly generatedAt: number;
  readonly scenarios: readonly ScenarioRecord[];
  /** Free-form facts shown at the top (versions, traffic rate, label delay...). */
  readonly facts: ReadonlyArray<[string, string]>;
}

const seconds = (at: number, t0: number) => Math.round((at - t0) / 100) / 10;
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

const latest = (metrics: readonly VariantMetrics[], variant: string) =>
  metrics.findLast((m) => m.variant === variant);

function armCells(arm: ArmSegment | null): string {
  return arm === null
    ? '<td>0</td><td>–</td>'
    : `<td>${arm.labelled}</td><td>${pct(arm.accuracy)}</td>`;
}

/**
 * Accuracy per segment of both arms (the last metrics snapshots) with the last decision's
 * verdict on each, the segment it rolled back on marked; empty when no arm has segments.
 */
export function segmentTable(s: ScenarioRecord): string {
  if (s.canary === null) return '';
  const last = s.decisions.at(-1);
  const rows = segmentAccuracy(latest(s.metrics, s.stable), latest(s.metrics, s.canary), last);
  if (rows.length === 0) return '';
  const failed = new Set(failedSegments(last));
  const body = rows
    .map((r) => {
      const diff =
        r.stable?.accuracy != null && r.canary?.accuracy != null
          ? `${((r.canary.accuracy - r.stable.accuracy) * 100).toFixed(1)}`
          : '–';
      const verdict = r.evidence
        ? `<span class="o-${r.evidence.outcome}">${r.evidence.outcome}</span> ${escapeHtml(r.evidence.detail)}`
        : 'not judged';
      return `<tr${failed.has(r.segment) ? ' class="failed"' : ''}><th>${escapeHtml(r.segment)}</th>${armCells(r.stable)}${armCells(r.canary)}<td>${diff}</td><td>${verdict}</td></tr>`;
    })
    .join('');
  const feature =
    s.segmentFeature === null ? '' : ` (<code>${escapeHtml(s.segmentFeature)}</code>)`;
  const note =
    failed.size > 0
      ? `<p class="segment-failure">Rolled back on segment${failed.size > 1 ? 's' : ''} <b>${[...failed].map(escapeHtml).join(', ')}</b>: the canary is proven less accurate there.</p>`
      : '';
  return `<h3>Accuracy per segment${feature}</h3>
${note}<table class="segments"><tr><th>segment</th><th>stable labelled</th><th>stable accuracy</th><th>canary labelled</th><th>canary accuracy</th><th>Δ points</th><th>last decision (mature labels)</th></tr>${body}</table>`;
}

/**
 * A/B/n: one row per arm (the stable, then each candidate) from its last metrics snapshot, with
 * the candidate's final status and the last decision about it.
 */
export function armsTable(s: ScenarioRecord): string {
  if (s.candidates === undefined || s.candidates.length === 0) return '';
  const row = (variant: string, role: string) => {
    const m = latest(s.metrics, variant);
    const interval = m === undefined ? null : accuracyInterval(m);
    const about = s.decisions.findLast((d) => d.candidate === variant);
    return `<tr><th><code>${escapeHtml(variant)}</code></th><td>${escapeHtml(role)}</td><td>${m?.predictions ?? 0}</td><td>${m?.labelled ?? 0}</td><td>${pct(m?.accuracy ?? null)}</td><td>${interval === null ? '–' : `${pct(interval.lower)} – ${pct(interval.upper)}`}</td><td>${m?.latencyP95 == null ? '–' : `${m.latencyP95.toFixed(1)} ms`}</td><td>${about === undefined ? '' : `${escapeHtml(about.action)}: ${escapeHtml(about.reason.split('; ')[0] ?? '')}`}</td></tr>`;
  };
  const status = new Map((s.finalCandidates ?? []).map((c) => [c.variant, c.status]));
  const rows = [
    row(s.stable, 'stable'),
    ...s.candidates.map((v) => row(v, `candidate, ${status.get(v) ?? 'not started'}`)),
  ].join('');
  return `<h3>Arms</h3>
<table class="arms"><tr><th>variant</th><th>role</th><th>predicted</th><th>labelled</th><th>accuracy</th><th>always-valid 95 % interval</th><th>p95</th><th>last decision about it</th></tr>${rows}</table>`;
}

function scenarioSection(s: ScenarioRecord): string {
  const charts = rolloutCharts(s);
  const log = decisionLog(s.decisions, { startedAt: s.startedAt });
  const ok = demoOutcomeAsExpected(s);
  const compared =
    s.canary === null
      ? `candidates ${(s.candidates ?? []).map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')}`
      : `canary <code>${escapeHtml(s.canary)}</code>`;
  return `<section>
<h2>${escapeHtml(s.name)} <span class="badge ${ok ? 'ok' : 'bad'}">${escapeHtml(s.outcome)}</span></h2>
<p>${escapeHtml(s.description)}</p>
<p class="facts">model <code>${escapeHtml(s.model)}</code>, rollout <code>${escapeHtml(s.rolloutId)}</code>: stable <code>${escapeHtml(s.stable)}</code>, ${compared}; ${s.requests} requests in ${seconds(s.endedAt, s.startedAt)} s; expected ${escapeHtml(s.expected)}.</p>
<div class="charts">${[charts.weight, charts.accuracy, charts.latency].map((c) => `<figure>${c}</figure>`).join('')}</div>
${armsTable(s)}${segmentTable(s)}
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
${ROLLOUT_STYLES}
tr.failed th,tr.failed td{background:#ffebe9}.segment-failure{color:#cf222e}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Generated ${escapeHtml(new Date(input.generatedAt).toISOString())}.</p>
<table class="facts">${facts}</table>
${input.scenarios.map(scenarioSection).join('\n')}
</body></html>
`;
}
