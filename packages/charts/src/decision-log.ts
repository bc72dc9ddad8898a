import type { DecisionReport, MetricEvidence } from '@kanary/contracts';
import { percent } from './rollout-charts.js';
import { escapeHtml } from './svg-chart.js';

/** A row's metric, and the segment it was judged within (`accuracy [north]`). */
function metricCell(e: MetricEvidence): string {
  const metric = escapeHtml(e.metric);
  return e.segment === null
    ? metric
    : `${metric} <span class="segment">[${escapeHtml(e.segment)}]</span>`;
}

/**
 * The evidence behind one decision as an HTML table: per metric (and segment), n, estimates,
 * interval, p.
 */
export function evidenceTable(d: DecisionReport): string {
  if (d.evidence.length === 0) return '';
  const num = (v: number | null, f: (x: number) => string = (x) => x.toFixed(4)) =>
    v === null ? '–' : f(v);
  const rows = d.evidence
    .map(
      (e) =>
        `<tr><td>${metricCell(e)}</td><td class="o-${e.outcome}">${e.outcome}</td><td>${e.nStable}</td><td>${e.nCanary}</td>` +
        `<td>${num(e.estimateStable)}</td><td>${num(e.estimateCanary)}</td><td>${num(e.difference)}</td>` +
        `<td>[${num(e.lower)}, ${num(e.upper)}]</td><td>${num(e.threshold)}</td><td>${num(e.pValue, (x) => x.toPrecision(3))}</td><td>${escapeHtml(e.detail)}</td></tr>`,
    )
    .join('');
  return `<table class="evidence"><tr><th>metric</th><th>outcome</th><th>n stable</th><th>n canary</th><th>stable</th><th>canary</th><th>Δ</th><th>interval</th><th>threshold</th><th>p</th><th>reading</th></tr>${rows}</table>`;
}

export interface DecisionLogOptions {
  /** Epoch ms the `+N s` times count from. */
  readonly startedAt: number;
  /** List the latest decision first (a live page) rather than the first (a report). */
  readonly newestFirst?: boolean;
}

/**
 * The decision log: one collapsible entry per decision with its action, step, weight and reason,
 * open (showing its evidence table) unless it is a HOLD.
 */
export function decisionLog(
  decisions: readonly DecisionReport[],
  options: DecisionLogOptions,
): string {
  const ordered = options.newestFirst ? [...decisions].reverse() : decisions;
  const seconds = (at: number) => Math.round((at - options.startedAt) / 100) / 10;
  return ordered
    .map(
      (d) =>
        `<details${d.action === 'HOLD' ? '' : ' open'}><summary><span class="t">+${seconds(d.at)} s</span> <b class="a-${d.action}">${d.action}</b>${d.candidate ? ` <code>${escapeHtml(d.candidate)}</code>` : ''} step ${d.stepIndex}, weight ${percent(d.canaryWeight)} — ${escapeHtml(d.reason)}</summary>${evidenceTable(d)}</details>`,
    )
    .join('\n');
}

/** CSS for the charts, evidence tables and decision log (pages add their own layout). */
export const ROLLOUT_STYLES = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1340px;color:#1b1f24;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-top:1px solid #d0d7de;padding-top:16px}
.badge{font-size:13px;padding:2px 8px;border-radius:10px;color:#fff}.ok{background:#1a7f37}.bad{background:#cf222e}
.charts{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:4px}
svg .title{font-weight:600;font-size:13px}svg .tick,svg .legend{font-size:11px;fill:#57606a}svg .axis{font-size:11px;fill:#57606a}svg .grid{stroke:#eaeef2}
table{border-collapse:collapse;font-size:12px;margin:6px 0 10px}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left}
.o-PASS{color:#1a7f37}.o-FAIL{color:#cf222e;font-weight:600}.a-ROLLBACK{color:#cf222e}.a-PROMOTE,.a-ADVANCE{color:#1a7f37}.a-PAUSE{color:#9a6700}
details{margin:2px 0}summary{cursor:pointer}.t{color:#57606a;font-variant-numeric:tabular-nums}code{font-size:12px}
`.trim();
