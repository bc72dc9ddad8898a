/**
 * The human-readable form of a replay result (what `kanary replay` prints without `--json`):
 * what was read, the synthesised rollouts, one line per decision, a table per variant, the
 * final outcome and the notes a reader needs. Times are data time, in UTC.
 */
import type { ReplayCandidate, ReplayResult, VariantSummary } from './replay-result.js';

const count = (n: number) => n.toLocaleString('en-US');
const time = (at: number) => new Date(at).toISOString().replace('.000Z', 'Z');
const pct = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);
const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : value.toFixed(1);
const weight = (w: number | null) => (w === null ? '' : ` (${pct(w)})`);

/** Columns padded to their widest cell; numbers right-aligned. */
function table(rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function accuracy(v: VariantSummary): string {
  const a = v.accuracy;
  return a === null ? '–' : `${pct(a.estimate)} [${pct(a.lower)}, ${pct(a.upper)}]`;
}

const value = (x: number) => Number(x.toPrecision(4)).toString();

/** MAE, RMSE, log-loss, Brier, outcome means and per-segment accuracy, those the variant has. */
function otherMetrics(v: VariantSummary): string {
  const parts: string[] = [];
  const add = (name: string, x: number | null) => {
    if (x !== null) parts.push(`${name} ${value(x)}`);
  };
  add('MAE', v.mae);
  add('RMSE', v.rmse);
  add('log-loss', v.logLoss);
  add('Brier', v.brier);
  for (const [name, mean] of Object.entries(v.outcomes)) add(name, mean);
  const segments = v.segments
    .map((s) => `${s.segment} ${pct(s.accuracy)} (${count(s.labelled)})`)
    .join(', ');
  if (segments !== '') parts.push(`segments: ${segments}`);
  return parts.join(', ');
}

/** The last decision about a candidate, in a few words. */
function lastDecision(c: ReplayCandidate): string {
  const d = c.decision;
  if (d === null) return 'no decision yet';
  return `${d.action} at ${time(d.at)} (step ${d.stepIndex}${d.code === null ? '' : `, ${d.code}`})`;
}

export function formatReplay(result: ReplayResult): string[] {
  const { input, settings } = result;
  const out: string[] = [];
  out.push(
    `Read ${count(input.lines)} lines: ${count(input.predictions)} predictions, ${count(input.labels)} labels; ` +
      `${count(input.invalid)} invalid, ${count(input.outOfOrder)} out of order, ${count(input.duplicates)} duplicates; ` +
      `unmatched ${count(input.unmatched.predictions)} predictions and ${count(input.unmatched.labels)} labels.`,
  );
  if (input.invalid > 0) {
    const shown = input.issues.length < input.invalid ? `, first ${input.issues.length} shown` : '';
    out.push(`Invalid lines (${count(input.invalid)}${shown}, not used):`);
    for (const issue of input.issues) out.push(`  line ${issue.line}: ${issue.message}`);
  }
  for (const r of result.rollouts) {
    if (r.rolloutId === null || r.startedAt === null) {
      out.push(`${r.model}: ${r.final.reason}`);
      continue;
    }
    const arms =
      r.candidates === undefined
        ? `canary ${r.canary} (${r.mode} mode)`
        : `candidates ${r.candidates.map((c) => c.variant).join(', ')} (A/B/n, ${r.mode} mode)`;
    out.push(
      `Rollout ${r.rolloutId}: stable ${r.stable}, ${arms}, from ${time(r.startedAt)}; ` +
        `judged every ${settings.intervalMs / 1000} s of data time.`,
    );
  }

  out.push('', 'Decisions:');
  if (result.decisions.length === 0) out.push('  none');
  const several = result.rollouts.length > 1;
  for (const d of result.decisions) {
    const who = `${several ? ` ${d.model}` : ''}${d.candidate === undefined ? '' : ` ${d.candidate}`}`;
    out.push(
      `  ${time(d.at)}${who}  ${d.action.padEnd(8)} at step ${d.stepIndex}${weight(d.phase === 'SHADOW' ? null : d.canaryWeight)}: ${d.reason}`,
    );
  }

  out.push(
    '',
    'Per variant (judged: mature labelled predictions compared; interval always-valid):',
  );
  const rows = [
    [
      'variant',
      'role',
      'predictions',
      'judged',
      'accuracy [interval]',
      'errors',
      'p50 ms',
      'p95 ms',
      'p99 ms',
    ],
  ];
  for (const [key, v] of Object.entries(result.summary)) {
    rows.push([
      key,
      v.compared ? v.role : `${v.role}, not compared`,
      count(v.predictions),
      count(v.n),
      accuracy(v),
      pct(v.errorRate),
      ms(v.latencyMs?.p50),
      ms(v.latencyMs?.p95),
      ms(v.latencyMs?.p99),
    ]);
  }
  for (const line of table(rows, [false, false, true, true, false, true, true, true, true])) {
    out.push(`  ${line}`);
  }
  const more = Object.entries(result.summary)
    .map(([key, v]) => [key, otherMetrics(v)] as const)
    .filter(([, line]) => line !== '');
  if (more.length > 0) {
    out.push('', 'Other metrics (judged predictions):');
    for (const [key, line] of more) out.push(`  ${key}: ${line}`);
  }

  const candidates = result.rollouts.flatMap((r) =>
    (r.candidates ?? []).map((c) => ({ model: r.model, c })),
  );
  if (candidates.length > 0) {
    out.push('', 'Candidates (A/B/n, each against the stable; served share as recorded):');
    const candidateRows = candidates.map(({ model, c }) => [
      several ? `${model}/${c.variant}` : c.variant,
      c.status,
      `step ${c.stepIndex}`,
      pct(c.recorded.share),
      lastDecision(c),
    ]);
    for (const line of table(candidateRows, [false, false, false, true, false])) {
      out.push(`  ${line}`);
    }
  }

  const f = result.final;
  const where =
    f.phase === null
      ? ''
      : f.action === 'HOLD'
        ? ` at step ${f.stepIndex}${weight(f.phase === 'SHADOW' ? null : f.canaryWeight)} when the data ended`
        : '';
  out.push(
    '',
    `Final: ${f.action}${f.candidate === undefined ? '' : ` ${f.candidate}`}${f.model !== null && several ? ` (${f.model})` : ''} at ${time(f.at)}${where} — ${f.reason}`,
  );
  if (result.notes.length > 0) {
    out.push('', 'Notes:');
    for (const note of result.notes) out.push(`  - ${note}`);
  }
  return out;
}
