import { accuracyInterval } from '@kanary/charts';
import type { DecisionReport, RolloutState, VariantMetrics } from '@kanary/contracts';
import type { DemoScenario } from './demo-scenarios.js';

/** What the terminal shows of one scenario at one moment. */
export interface ScenarioView {
  readonly scenario: DemoScenario;
  readonly state: RolloutState | undefined;
  readonly stable: VariantMetrics | undefined;
  readonly canary: VariantMetrics | undefined;
  readonly decision: DecisionReport | undefined;
  /** Epoch ms: when the scenario started, and now. */
  readonly startedAt: number;
  readonly now: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pad = (text: string, width: number) => text.padEnd(width);
const secs = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

function armLine(role: string, variant: string, m: VariantMetrics | undefined): string {
  const head = `  ${pad(role, 6)} ${pad(variant, 18)}`;
  if (m === undefined) return `${head} waiting for the first metrics snapshot`;
  const interval = accuracyInterval(m);
  const accuracy =
    m.accuracy === null || interval === null
      ? 'accuracy –'
      : `accuracy ${pct(m.accuracy)} [${pct(interval.lower)}, ${pct(interval.upper)}]`;
  const p95 = m.latencyP95 === null ? 'p95 –' : `p95 ${m.latencyP95.toFixed(1)} ms`;
  return `${head} ${String(m.predictions).padStart(6)} predicted ${String(m.labelled).padStart(6)} labelled  ${pad(accuracy, 32)} ${p95}`;
}

/** The decision's headline: its reason up to the first metric that did not decide it. */
export const firstReason = (d: DecisionReport): string => d.reason.split('; ')[0] ?? d.reason;

/** Four lines per scenario: phase and weight, each arm, the latest decision and why. */
export function scenarioLines(v: ScenarioView): string[] {
  const { scenario: s, state } = v;
  const phase =
    state === undefined
      ? 'starting'
      : state.phase === 'PROMOTED'
        ? `PROMOTED: ${state.stable} now serves all traffic`
        : state.phase === 'ROLLED_BACK'
          ? `ROLLED_BACK: canary weight 0 %, ${state.stable} serves all traffic`
          : `${state.phase}${state.phase === 'CANARY' ? ` step ${state.stepIndex + 1}` : ''}, canary weight ${pct(state.canaryWeight)}`;
  const decision = v.decision
    ? `  latest decision: ${v.decision.action} at +${secs(v.decision.at - v.startedAt)} — ${firstReason(v.decision)}`
    : '  latest decision: none yet (the decision service waits for mature labels)';
  return [
    `${s.name} · ${s.model}: ${phase} · ${secs(v.now - v.startedAt)}`,
    armLine('stable', s.stable, v.stable),
    armLine('canary', s.canary, v.canary),
    decision,
  ];
}
