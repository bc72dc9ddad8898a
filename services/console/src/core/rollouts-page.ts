import { escapeHtml, percent } from '@kanary/charts';
import { page } from './page.js';
import type { RolloutSummary } from './rollout-summary.js';

const time = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19);

function row(s: RolloutSummary): string {
  const link = `/rollouts/${encodeURIComponent(s.rolloutId)}`;
  const decision = s.lastDecision
    ? `<b class="a-${s.lastDecision.action}">${s.lastDecision.action}</b> ${escapeHtml(s.lastDecision.reason.split('; ')[0] ?? '')}`
    : '<span class="muted">none yet</span>';
  return `<tr data-rollout="${escapeHtml(s.rolloutId)}"><td><a href="${link}">${escapeHtml(s.model)}</a>${s.current ? '' : ' <span class="muted">(past)</span>'}</td>
<td><a href="${link}"><code>${escapeHtml(s.rolloutId)}</code></a></td>
<td class="phase p-${s.phase ?? ''}">${s.phase ?? '–'}</td>
<td>${s.canaryWeight === null ? '–' : percent(s.canaryWeight)}</td>
<td>${escapeHtml(s.stable ?? '–')}</td><td>${escapeHtml(s.canary ?? '–')}</td>
<td>${decision}</td><td class="t">${time(s.updatedAt)}</td></tr>`;
}

/** The live part of the rollouts list: current rollouts first, then past ones. */
export function rolloutsFragment(rollouts: readonly RolloutSummary[]): string {
  if (rollouts.length === 0) {
    return '<p>No rollouts yet. Start one with <code>kanary rollout start</code> or the router’s HTTP API.</p>';
  }
  const ordered = [...rollouts.filter((r) => r.current), ...rollouts.filter((r) => !r.current)];
  return `<table class="rollouts"><tr><th>model</th><th>rollout</th><th>phase</th><th>canary weight</th><th>stable</th><th>canary</th><th>latest decision</th><th>updated (UTC)</th></tr>
${ordered.map(row).join('\n')}</table>`;
}

export function rolloutsPage(rollouts: readonly RolloutSummary[]): string {
  return page({ title: 'Rollouts', live: rolloutsFragment(rollouts) });
}
