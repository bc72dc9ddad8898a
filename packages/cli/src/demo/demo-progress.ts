import { accuracyInterval } from '@kanary/charts';
import type { DecisionReport, RolloutState, VariantMetrics } from '@kanary/contracts';
import { challengersOf, type DemoScenario } from './demo-scenarios.js';
import type { ScenarioRecord } from './report-html.js';
import { failedSegments, segmentAccuracy } from './segment-accuracy.js';

/** What the terminal shows of one scenario at one moment. */
export interface ScenarioView {
  readonly scenario: DemoScenario;
  readonly state: RolloutState | undefined;
  readonly stable: VariantMetrics | undefined;
  readonly canary: VariantMetrics | undefined;
  /** A/B/n: each candidate's latest metrics snapshot, by variant. @default none */
  readonly candidates?: ReadonlyMap<string, VariantMetrics | undefined>;
  readonly decision: DecisionReport | undefined;
  /** The request feature the policy takes segments from; null: none. */
  readonly segmentFeature?: string | null;
  /** Epoch ms: when the scenario started, and now. */
  readonly startedAt: number;
  readonly now: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pad = (text: string, width: number) => text.padEnd(width);
const secs = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

function armLine(role: string, variant: string, m: VariantMetrics | undefined): string {
  const head = `  ${pad(role, 6)} ${pad(variant, 18)}`;
  return `${head}${armNumbers(m)}`;
}

/** A candidate's line: its status and weight, then its numbers. */
function candidateLine(
  variant: string,
  candidate: { status: string; weight: number } | undefined,
  m: VariantMetrics | undefined,
): string {
  const where =
    candidate === undefined
      ? ''
      : candidate.status === 'LIVE'
        ? ` ${pct(candidate.weight)}`
        : ` ${candidate.status}`;
  return `  ${pad(`cand.${where}`, 18)} ${pad(variant, 18)}${armNumbers(m)}`;
}

/** An arm's counts, accuracy with its interval, and p95, from its latest snapshot. */
function armNumbers(m: VariantMetrics | undefined): string {
  if (m === undefined) return ' waiting for the first metrics snapshot';
  const interval = accuracyInterval(m);
  const accuracy =
    m.accuracy === null || interval === null
      ? 'accuracy –'
      : `accuracy ${pct(m.accuracy)} [${pct(interval.lower)}, ${pct(interval.upper)}]`;
  const p95 = m.latencyP95 === null ? 'p95 –' : `p95 ${m.latencyP95.toFixed(1)} ms`;
  return ` ${String(m.predictions).padStart(6)} predicted ${String(m.labelled).padStart(6)} labelled  ${pad(accuracy, 32)} ${p95}`;
}

/**
 * Canary vs stable accuracy per segment, each segment's outcome in the latest decision after it
 * (FAIL: proven worse); null while no arm has segments.
 */
export function segmentLine(v: ScenarioView): string | null {
  const rows = segmentAccuracy(v.stable, v.canary, v.decision);
  if (rows.length === 0) return null;
  const cells = rows.map((r) => {
    const acc = (a: typeof r.stable) => (a?.accuracy == null ? '–' : pct(a.accuracy));
    const outcome =
      r.evidence && r.evidence.outcome !== 'INCONCLUSIVE' ? ` ${r.evidence.outcome}` : '';
    return `${r.segment} ${acc(r.canary)} vs ${acc(r.stable)}${outcome}`;
  });
  const feature = v.segmentFeature ? ` (${v.segmentFeature})` : '';
  return `  per segment${feature}, canary vs stable: ${cells.join(' · ')}`;
}

/** The decision's headline: its reason up to the first metric that did not decide it. */
export const firstReason = (d: DecisionReport): string => d.reason.split('; ')[0] ?? d.reason;

/**
 * Four lines per scenario: phase and weight, each arm, the latest decision and why; a fifth, per
 * segment, when the predictions carry segments.
 */
export function scenarioLines(v: ScenarioView): string[] {
  const { scenario: s, state } = v;
  const phase =
    state === undefined
      ? 'starting'
      : state.phase === 'PROMOTED'
        ? `PROMOTED: ${state.stable} now serves all traffic`
        : state.phase === 'ROLLED_BACK'
          ? `ROLLED_BACK: canary weight 0 %, ${state.stable} serves all traffic`
          : state.candidates.length > 0
            ? `${state.phase}, candidates' weight ${pct(state.canaryWeight)}`
            : `${state.phase}${state.phase === 'CANARY' ? ` step ${state.stepIndex + 1}` : ''}, canary weight ${pct(state.canaryWeight)}`;
  const about = v.decision?.candidate ? ` about ${v.decision.candidate}` : '';
  const decision = v.decision
    ? `  latest decision: ${v.decision.action}${about} at +${secs(v.decision.at - v.startedAt)} — ${firstReason(v.decision)}`
    : '  latest decision: none yet (the decision service waits for mature labels)';
  const challengers =
    s.canary !== null
      ? [armLine('canary', s.canary, v.canary)]
      : challengersOf(s).map((variant) =>
          candidateLine(
            variant,
            state?.candidates.find((c) => c.variant === variant),
            v.candidates?.get(variant),
          ),
        );
  return [
    `${s.name} · ${s.model}: ${phase} · ${secs(v.now - v.startedAt)}`,
    armLine('stable', s.stable, v.stable),
    ...challengers,
    ...[segmentLine(v)].filter((line) => line !== null),
    decision,
  ];
}

/**
 * The final line of a scenario: outcome, when the deciding decision came, whether it was
 * expected, its reason's headline and, for a segment guard's rollback, the segments.
 */
export function outcomeLine(s: ScenarioRecord): string {
  const last = s.decisions.findLast((d) => d.action !== 'HOLD');
  const when = last ? ` after ${((last.at - s.startedAt) / 1000).toFixed(1)} s` : '';
  const mark = demoOutcomeAsExpected(s) ? 'as expected' : `EXPECTED ${s.expected}`;
  const segments = failedSegments(last);
  const where =
    segments.length > 0
      ? ` [worse in ${s.segmentFeature ?? 'segment'} ${segments.join(', ')}]`
      : '';
  if (s.canary === null) {
    const ended = (s.finalCandidates ?? []).map((c) => `${c.variant} ${c.status}`).join(', ');
    const ok = demoOutcomeAsExpected(s) ? 'as expected' : `EXPECTED ${expectation(s)}`;
    return `${s.name} (${s.model}: ${s.stable} vs ${challengersOf(s).join(', ')}): ${s.outcome}${when} [${ended}], ${ok}${last ? ` — ${firstReason(last)}` : ''}`;
  }
  return `${s.name} (${s.model}: ${s.stable} → ${s.canary}): ${s.outcome}${when}, ${mark}${last ? ` — ${firstReason(last)}` : ''}${where}`;
}

/** What an A/B/n scenario expects, in words. */
function expectation(s: ScenarioRecord): string {
  const back = s.expectedRolledBack ?? [];
  const promoted = s.expectedPromoted ?? [];
  return [
    s.expected,
    ...(promoted.length > 0 ? [`promoting one of ${promoted.join(', ')}`] : []),
    ...(back.length > 0 ? [`rolling back ${back.join(', ')}`] : []),
  ].join(', ');
}

/**
 * Whether a scenario ended as a correct decision service ends it: the expected phase and, for
 * an A/B/n scenario, the expected candidates rolled back and one of the expected ones promoted.
 */
export function demoOutcomeAsExpected(s: ScenarioRecord): boolean {
  if (s.outcome !== s.expected) return false;
  const status = new Map((s.finalCandidates ?? []).map((c) => [c.variant, c.status]));
  const rolledBack = (s.expectedRolledBack ?? []).every((v) => status.get(v) === 'ROLLED_BACK');
  const promoted = s.expectedPromoted ?? [];
  const winner = promoted.length === 0 || promoted.some((v) => status.get(v) === 'PROMOTED');
  return rolledBack && winner;
}
