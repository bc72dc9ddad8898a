/**
 * The text of `kanary rollout status`: per model its state, per arm what its evidence holds so
 * far, the last command, the approval and the latest decision with its evidence rows. Pure: the
 * command reads the topics and prints these lines.
 */
import { meanText } from '@kanary/charts';
import type { Candidate, DecisionReport, MetricEvidence, RolloutState } from '@kanary/contracts';
import type { ArmReport, SegmentReport } from '@kanary/evidence';

/** Segments a status line names; the rest are counted (`--json` has them all). */
export const SEGMENTS_SHOWN = 8;

/** A canary weight as a percentage, up to two decimals. */
export const pct = (w: number) => `${Math.round(w * 10_000) / 100}%`;
const percent = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const count = (n: number) => n.toLocaleString('en-US');

/** `a at 5%` for a LIVE candidate, `b ROLLED_BACK` for one that ended. */
const candidateText = (c: Candidate) =>
  c.status === 'LIVE' ? `${c.variant} at ${pct(c.weight)}` : `${c.variant} ${c.status}`;

export function describe(s: RolloutState): string {
  const canary =
    s.candidates.length > 0
      ? `, candidates ${s.candidates.map(candidateText).join(', ')}`
      : s.canary
        ? `, canary ${s.canary} at ${pct(s.canaryWeight)}`
        : '';
  return `${s.phase} (rollout ${s.rolloutId}, stable ${s.stable}${canary}, step ${s.stepIndex}, seq ${s.seq})`;
}

/** `north 84.1% (1,203)`, or `north MAE 1.1 (1,203)` for an arm of numeric predictions. */
function segmentText(s: SegmentReport, numeric: boolean): string {
  const value = numeric && s.mae !== null ? `MAE ${meanText(s.mae)}` : percent(s.accuracy);
  return `${s.segment} ${value} (${count(s.labelled)})`;
}

/**
 * The lines of one arm: its counts, accuracy (and MAE, RMSE for numeric predictions), errors
 * and p95; then, when it has them, its probability scores, outcome means and segments (the most
 * labelled first, {@link SEGMENTS_SHOWN} at most).
 */
export function armLines(a: ArmReport): string[] {
  const p95 = a.latencyP95 === null ? '–' : `${a.latencyP95.toFixed(1)} ms`;
  const numeric = a.meanAbsError !== null;
  const errors = [
    a.meanAbsError === null ? '' : `, MAE ${meanText(a.meanAbsError)}`,
    a.rootMeanSquaredError === null ? '' : `, RMSE ${meanText(a.rootMeanSquaredError)}`,
  ].join('');
  const lines = [
    `  ${a.role.toLowerCase()} ${a.variant}${a.served ? '' : ' (shadow copies)'}: ${a.routed} routed, ${a.labelled} labelled, accuracy ${percent(a.accuracy)}${errors}, errors ${percent(a.errorRate)}, p95 ${p95}`,
  ];
  const scores = [
    a.logLoss === null ? null : `log-loss ${meanText(a.logLoss)}`,
    a.brier === null ? null : `Brier ${meanText(a.brier)}`,
  ].filter((s) => s !== null);
  if (scores.length > 0) lines.push(`    scores: ${scores.join(', ')}`);
  const outcomes = Object.entries(a.outcomes);
  if (outcomes.length > 0) {
    lines.push(
      `    outcomes: ${outcomes.map(([name, mean]) => `${name} ${meanText(mean)}`).join(', ')}`,
    );
  }
  if (a.segments.length > 0) {
    const shown = a.segments.slice(0, SEGMENTS_SHOWN).map((s) => segmentText(s, numeric));
    const more = a.segments.length - SEGMENTS_SHOWN;
    lines.push(`    segments: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`);
  }
  return lines;
}

const signed = (x: number) => (x > 0 ? `+${meanText(x)}` : meanText(x));

/** One evidence row of a decision: `accuracy[north] PASS: stable 0.8 (n 9,000), … — detail`. */
export function evidenceLine(e: MetricEvidence): string {
  const estimate = (arm: string, value: number | null, n: number) =>
    value === null ? `${arm} n ${count(n)}` : `${arm} ${meanText(value)} (n ${count(n)})`;
  const parts: string[] = [];
  if (e.nStable > 0 || e.nCanary > 0 || e.estimateStable !== null || e.estimateCanary !== null) {
    parts.push(estimate('stable', e.estimateStable, e.nStable));
    parts.push(estimate('canary', e.estimateCanary, e.nCanary));
  }
  if (e.difference !== null) {
    const interval =
      e.lower === null || e.upper === null ? '' : ` [${meanText(e.lower)}, ${meanText(e.upper)}]`;
    parts.push(`Δ ${signed(e.difference)}${interval}`);
  }
  const name = e.segment === null ? e.metric : `${e.metric}[${e.segment}]`;
  const numbers = parts.length > 0 ? `: ${parts.join(', ')}` : '';
  return `    ${name} ${e.outcome}${numbers}${e.detail ? ` — ${e.detail}` : ''}`;
}

/** What `statusLines` reads. */
export interface StatusSource {
  readonly states: Iterable<RolloutState>;
  /** The latest decision per rollout. */
  readonly decisions: ReadonlyMap<string, DecisionReport>;
  /** A/B/n rollouts: the latest decision about each candidate, keyed `<rolloutId>/<candidate>`. */
  readonly candidateDecisions: ReadonlyMap<string, DecisionReport>;
  /** Each arm's numbers so far, from the merged evidence. */
  arms(rolloutId: string): readonly ArmReport[];
}

/** The status of every model's rollout (or of `model`'s only), sorted by model. */
export function statusLines(source: StatusSource, model?: string): string[] {
  const lines: string[] = [];
  for (const s of [...source.states].sort((a, b) => a.model.localeCompare(b.model))) {
    if (model && s.model !== model) continue;
    lines.push(`${s.model}: ${describe(s)}`);
    for (const arm of source.arms(s.rolloutId)) lines.push(...armLines(arm));
    if (s.lastCommand) {
      const c = s.lastCommand;
      lines.push(
        `  last command: ${c.action} by ${c.issuedBy} ${c.outcome}${c.message ? ` — ${c.message}` : ''}`,
      );
    }
    if (s.approval !== null) {
      const current = s.approval.stepIndex === s.stepIndex ? '' : ' (an earlier step)';
      lines.push(
        `  approved: step ${s.approval.stepIndex}${current} by ${s.approval.approvedBy}${s.approval.reason ? ` — ${s.approval.reason}` : ''}`,
      );
    }
    if (s.candidates.length > 0) {
      const arms = source.arms(s.rolloutId);
      for (const c of s.candidates) {
        const d = source.candidateDecisions.get(`${s.rolloutId}/${c.variant}`);
        lines.push(...candidateLines(s, c, arms, d));
      }
      continue;
    }
    const d = source.decisions.get(s.rolloutId);
    if (d?.awaitingApproval != null && d.stepIndex === s.stepIndex) {
      lines.push(
        `  AWAITING APPROVAL to ${d.awaitingApproval}: kanary rollout approve ${s.model} (or the console)`,
      );
    }
    if (d) lines.push(...decisionLines(d, '  '));
  }
  return lines;
}

/** The latest decision's line and its evidence rows, indented by `indent`. */
function decisionLines(d: DecisionReport, indent: string): string[] {
  const approvedBy = d.approvedBy !== null ? ` (approved by ${d.approvedBy})` : '';
  return [
    `${indent}last decision: ${d.action}${approvedBy} at step ${d.stepIndex} — ${d.reason}`,
    ...d.evidence.map((e) => `${indent.slice(2)}${evidenceLine(e)}`),
  ];
}

/** `accuracy 81.0% vs stable 80.0% (+1.0 pts)`, from the evidence so far; '' without labels. */
function versusStable(arm: ArmReport | undefined, stable: ArmReport | undefined): string {
  if (arm?.accuracy == null || stable?.accuracy == null) return '';
  const points = Math.round(1_000 * (arm.accuracy - stable.accuracy)) / 10;
  const signedPoints = points > 0 ? `+${points.toFixed(1)}` : points.toFixed(1);
  return ` — accuracy ${percent(arm.accuracy)} vs stable ${percent(stable.accuracy)} (${signedPoints} pts)`;
}

/**
 * One candidate of an A/B/n rollout: its status, weight and step, its accuracy against the
 * stable's so far, and the latest decision about it with its evidence rows (its numbers against
 * the stable, with the intervals the decision used).
 */
export function candidateLines(
  s: RolloutState,
  c: Candidate,
  arms: readonly ArmReport[],
  d: DecisionReport | undefined,
): string[] {
  const arm = arms.find((a) => a.variant === c.variant);
  const stable = arms.find((a) => a.variant === s.stable && a.role === 'STABLE');
  const lines = [
    `  candidate ${c.variant}: ${c.status}, weight ${pct(c.weight)}, step ${c.stepIndex}${versusStable(arm, stable)}`,
  ];
  if (d === undefined) return lines;
  if (d.awaitingApproval != null && c.status === 'LIVE' && d.stepIndex === c.stepIndex) {
    lines.push(
      `    AWAITING APPROVAL to ${d.awaitingApproval} ${c.variant}: kanary rollout approve ${s.model} (or the console)`,
    );
  }
  lines.push(...decisionLines(d, '    '));
  return lines;
}
