import { armCharts, decisionLog, escapeHtml, percent } from '@kanary/charts';
import type { RolloutRecord } from '@kanary/rollout-client';
import { armTraces, EVIDENCE_WORDING } from './arm-traces.js';
import type { ArmSeries } from './evidence-series.js';
import { page } from './page.js';
import {
  isTerminal,
  type ArmView,
  type CandidateView,
  type RolloutSummary,
} from './rollout-summary.js';
import { scoreTable } from './score-table.js';
import { segmentTable } from './segment-table.js';

const time = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19);
const num = (x: number | null, f: (v: number) => string) => (x === null ? '–' : f(x));
const ms = (x: number | null) => num(x, (v) => `${v.toFixed(1)} ms`);
const pct = (x: number | null) => num(x, percent);

function armRow(a: ArmView): string {
  const interval =
    a.accuracyLower === null || a.accuracyUpper === null
      ? ''
      : ` [${percent(a.accuracyLower)}, ${percent(a.accuracyUpper)}]`;
  const arm = a.served ? a.role : 'shadow copies';
  return `<tr class="arm-${a.role}"><td>${arm}</td><td><code>${escapeHtml(a.variant)}</code></td><td>${a.routed}</td><td>${a.labelled}</td><td>${a.lateLabels}</td>
<td>${pct(a.accuracy)}${interval}</td><td>${pct(a.errorRate)}</td><td>${ms(a.latencyP50)} / ${ms(a.latencyP95)} / ${ms(a.latencyP99)}</td>
<td>${pct(a.labelCoverage)}</td><td>${a.pending}</td><td>${a.expired}</td></tr>`;
}

const ARM_HEADER = [
  'arm',
  'variant',
  'routed',
  'labelled in window',
  'late labels',
  'accuracy [always-valid 95 %]',
  'errors',
  'latency p50 / p95 / p99',
  'label coverage (mature)',
  'awaiting label',
  'unlabelled (mature)',
];

/** Which event time the numbers are complete to. */
function evidenceNote(s: RolloutSummary): string {
  const complete =
    s.evidenceWatermark === null
      ? 'not every source partition has reported a watermark yet, so no bucket is mature'
      : `complete to ${time(s.evidenceWatermark)} UTC event time (the lowest source watermark)`;
  return `<p class="muted" id="evidence">Merged from every source partition; ${complete}.</p>`;
}

function approvalFact(s: RolloutSummary): string {
  if (s.awaitingApproval !== null) {
    return `<b id="awaiting-approval">awaiting approval to ${s.awaitingApproval}</b> — ${escapeHtml(s.lastDecision?.reason ?? '')}`;
  }
  const a = s.approval;
  if (a === null) return '–';
  return `step ${a.stepIndex} approved by <b id="approved-by">${escapeHtml(a.approvedBy)}</b>${a.reason ? ` — ${escapeHtml(a.reason)}` : ''}`;
}

function stateFacts(s: RolloutSummary): string {
  const cmd = s.lastCommand;
  const command = cmd
    ? `${cmd.action} by ${cmd.issuedBy}: <b>${cmd.outcome}</b>${cmd.message ? ` — ${escapeHtml(cmd.message)}` : ''}`
    : '–';
  const facts: Array<[string, string]> = [
    [
      'phase',
      `<span class="phase p-${s.phase ?? ''}" id="phase">${s.phase ?? 'unknown'}</span>${s.current ? '' : ' <span class="muted">(no longer the model’s current rollout)</span>'}`,
    ],
    [
      'canary weight',
      `<span id="weight">${s.canaryWeight === null ? '–' : percent(s.canaryWeight)}</span>${s.stepIndex !== null && s.stepIndex >= 0 ? `, step ${s.stepIndex + 1}` : ''}`,
    ],
    s.candidates.length > 0
      ? [
          'stable / candidates',
          `<code>${escapeHtml(s.stable ?? '–')}</code> / ${s.candidates.map((c) => `<code>${escapeHtml(c.variant)}</code>`).join(', ')}`,
        ]
      : [
          'stable / canary',
          `<code>${escapeHtml(s.stable ?? '–')}</code> / <code>${escapeHtml(s.canary ?? '–')}</code>`,
        ],
    ['started / updated (UTC)', `${time(s.startedAt)} / ${time(s.updatedAt)}`],
    ['last command', command],
    ['approval', approvalFact(s)],
  ];
  return `<table class="facts">${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** An operator button; `canary` names the candidate of an A/B/n rollout it acts on. */
function button(
  s: RolloutSummary,
  verb: string,
  operatorEnabled: boolean,
  canary: string | null = null,
): string {
  const attrs = `data-model="${escapeHtml(s.model)}" data-rollout="${escapeHtml(s.rolloutId)}"`;
  const target = canary === null ? '' : ` data-canary="${escapeHtml(canary)}"`;
  const label = canary === null ? verb : `${verb} ${escapeHtml(canary)}`;
  return `<button type="button" ${attrs} data-verb="${verb}"${target}${verb === 'rollback' ? ' class="danger"' : ''}${operatorEnabled ? '' : ' disabled'}>${label}</button>`;
}

function buttons(s: RolloutSummary, operatorEnabled: boolean): string {
  if (s.actions.length === 0) return '';
  const list = s.actions.map((verb) => button(s, verb, operatorEnabled)).join('');
  const all =
    s.candidates.length > 0 ? ' <span class="muted">(rollback: every candidate)</span>' : '';
  return `<p class="actions">${list}${all}</p>`;
}

const points = (d: number | null) =>
  d === null ? '–' : `${d > 0 ? '+' : ''}${(Math.round(d * 1_000) / 10).toFixed(1)} pts`;

function candidateRow(s: RolloutSummary, c: CandidateView, operatorEnabled: boolean): string {
  const a = c.arm;
  const interval =
    a?.accuracyLower == null || a.accuracyUpper == null
      ? ''
      : ` [${percent(a.accuracyLower)}, ${percent(a.accuracyUpper)}]`;
  const d = c.lastDecision;
  const decision =
    d === null
      ? '–'
      : `<b>${d.action}</b> at step ${d.stepIndex + 1} — ${escapeHtml(d.reason)}${c.awaitingApproval === null ? '' : ` <b class="awaiting">awaiting approval to ${c.awaitingApproval}</b>`}`;
  const actions = c.actions.map((verb) => button(s, verb, operatorEnabled, c.variant)).join('');
  return `<tr class="candidate c-${c.status}" data-candidate="${escapeHtml(c.variant)}"><td><code>${escapeHtml(c.variant)}</code></td><td class="status">${c.status}</td><td>${percent(c.weight)}</td><td>${c.stepIndex + 1}</td>
<td>${a === null ? '–' : a.labelled}</td><td>${pct(a?.accuracy ?? null)}${interval}</td><td>${points(c.accuracyVsStable)}</td><td>${decision}</td><td class="actions">${actions}</td></tr>`;
}

const CANDIDATE_HEADER = [
  'candidate',
  'status',
  'weight',
  'step',
  'labelled in window',
  'accuracy [always-valid 95 %]',
  'vs stable',
  'latest decision about it',
  'operator',
];

/**
 * An A/B/n rollout's candidates, each against the one stable: status, weight, step, accuracy
 * with its interval and its difference from the stable's, the latest decision about it (its
 * evidence rows are in the decision log) and the buttons that act on it alone.
 */
function candidateTable(s: RolloutSummary, operatorEnabled: boolean): string {
  if (s.candidates.length === 0) return '';
  return `<h2>Candidates (${s.candidates.length}) against the stable <code>${escapeHtml(s.stable ?? '–')}</code></h2>
<table class="candidates"><tr>${CANDIDATE_HEADER.map((h) => `<th>${h}</th>`).join('')}</tr>${s.candidates.map((c) => candidateRow(s, c, operatorEnabled)).join('')}</table>`;
}

/** What a rollout page shows. */
export interface RolloutPageData {
  readonly record: RolloutRecord;
  readonly summary: RolloutSummary;
  /** Each arm's evidence over event time, for the charts. */
  readonly series: readonly ArmSeries[];
}

/**
 * The live part of a rollout page: its state, the operator buttons that apply, each arm's
 * numbers so far, the charts and the decision log (newest first).
 */
export function rolloutFragment(
  { record, summary, series }: RolloutPageData,
  options: { now: number; operatorEnabled: boolean },
): string {
  const endedAt = isTerminal(summary.phase) ? summary.updatedAt : options.now;
  const charts = armCharts({
    canary: summary.canary,
    startedAt: summary.startedAt,
    endedAt: Math.max(endedAt, summary.startedAt),
    states: record.states,
    arms: armTraces(series),
    wording: EVIDENCE_WORDING,
  });
  const arms =
    summary.arms.length === 0
      ? '<p class="muted">No evidence from the evaluator yet.</p>'
      : `<table class="arms"><tr>${ARM_HEADER.map((h) => `<th>${h}</th>`).join('')}</tr>${summary.arms.map(armRow).join('')}</table>
${scoreTable(summary.arms)}
${evidenceNote(summary)}`;
  const segments = segmentTable(summary.arms);
  const log = decisionLog(record.decisions, { startedAt: summary.startedAt, newestFirst: true });
  return `${stateFacts(summary)}
${buttons(summary, options.operatorEnabled)}
${candidateTable(summary, options.operatorEnabled)}
<h2>Arms</h2>
${arms}
<div class="charts">${[charts.weight, charts.accuracy, charts.latency, charts.coverage].map((c) => `<figure>${c}</figure>`).join('')}</div>
${segments && `<h2>Segments</h2>\n${segments}\n`}<h2>Decision log (${record.decisions.length})</h2>
${log || '<p class="muted">No decision yet: the decision service waits for mature labels.</p>'}`;
}

/** The operator panel (not refreshed, so a typed token survives updates). */
function operatorPanel(operatorEnabled: boolean): string {
  if (!operatorEnabled) {
    return '<div class="operator muted">Operator actions are off: set CONSOLE_OPERATOR_TOKEN to enable them.</div>';
  }
  return `<div class="operator"><label>Operator token <input id="token" type="password" autocomplete="off" size="40"></label>
<span id="action-result" role="status"></span></div>`;
}

export function rolloutPage(
  data: RolloutPageData,
  options: { now: number; operatorEnabled: boolean },
): string {
  return page({
    title: `${data.summary.model} · ${data.summary.rolloutId}`,
    header: operatorPanel(options.operatorEnabled),
    live: rolloutFragment(data, options),
  });
}
