import { decisionLog, escapeHtml, ROLLOUT_STYLES, rolloutCharts } from '@kanary/charts';
import type { DecisionReport, VariantMetrics } from '@kanary/contracts';

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

const seconds = (at: number, t0: number) => Math.round((at - t0) / 100) / 10;

function scenarioSection(s: ScenarioRecord): string {
  const charts = rolloutCharts(s);
  const log = decisionLog(s.decisions, { startedAt: s.startedAt });
  const ok = s.outcome === s.expected;
  return `<section>
<h2>${escapeHtml(s.name)} <span class="badge ${ok ? 'ok' : 'bad'}">${escapeHtml(s.outcome)}</span></h2>
<p>${escapeHtml(s.description)}</p>
<p class="facts">model <code>${escapeHtml(s.model)}</code>, rollout <code>${escapeHtml(s.rolloutId)}</code>: stable <code>${escapeHtml(s.stable)}</code>, canary <code>${escapeHtml(s.canary)}</code>; ${s.requests} requests in ${seconds(s.endedAt, s.startedAt)} s; expected ${escapeHtml(s.expected)}.</p>
<div class="charts">${[charts.weight, charts.accuracy, charts.latency].map((c) => `<figure>${c}</figure>`).join('')}</div>
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
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Generated ${escapeHtml(new Date(input.generatedAt).toISOString())}.</p>
<table class="facts">${facts}</table>
${input.scenarios.map(scenarioSection).join('\n')}
</body></html>
`;
}
