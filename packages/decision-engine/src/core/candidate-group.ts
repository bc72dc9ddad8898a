/**
 * An A/B/n rollout as the engine sees it: one {@link RolloutTracker} per candidate, each judging
 * its candidate against the shared stable arm on the rollout's scorecard (the candidate's view of
 * the state, candidates.ts), and the rules that turn their proposals into at most one command
 * per state:
 *
 * 1. Multiplicity: each candidate is judged at alpha / k (and srmAlpha / k) for the k candidates
 *    the rollout started with — Bonferroni across candidates, valid whatever the dependence
 *    through the shared stable arm — so all-equal candidates see any false ROLLBACK with
 *    probability ≤ alpha per rollout, as a rollout with one canary does.
 * 2. Worst first, one command per state seq: a PAUSE (data quality, an invalid policy) pauses the
 *    whole rollout; otherwise the first candidate (START order) proven worse is rolled back alone
 *    (ROLLBACK naming it; its keys return to the stable, the others continue); otherwise the
 *    first candidate ready to ADVANCE advances. The others are judged again on the next state.
 * 3. Promotion: a candidate ready to PROMOTE waits (HOLD, AWAITING_CANDIDATES) until every live
 *    candidate is ready too, or has been rolled back; then the one with the best bound on the
 *    primary metric is promoted — the highest lower bound of its difference from the stable
 *    (for a loss: the lowest upper bound) — and the others end. So a candidate that is merely
 *    no worse is not promoted over one that is better, as long as both finish their steps.
 */
import { DecisionAction, type DecisionReport, type RolloutCommand } from '@kanary/contracts';
import type { EvidenceBook, SourceProgress } from '@kanary/evidence';
import {
  DecisionCode,
  candidateView,
  dataShape,
  resolveScorecard,
  stableShare,
  type Decision,
  type Policy,
  type PolicyInput,
  type RolloutState,
} from '@kanary/rollout';
import type { ModelJudgement, ModelTracker } from './model-tracker.js';
import { RolloutTracker, type ApprovalWait, type JudgeRules } from './rollout-tracker.js';

const ACT_FIRST: readonly DecisionAction[] = [
  DecisionAction.PAUSE,
  DecisionAction.ROLLBACK,
  DecisionAction.ADVANCE,
];

export class CandidateGroup implements ModelTracker {
  /** One tracker per candidate, in START order. */
  readonly trackers: readonly RolloutTracker[];
  private current: RolloutState;
  private issued: { readonly seq: number; readonly index: number } | null = null;
  live = true;

  constructor(
    state: RolloutState,
    book: EvidenceBook,
    defaultPolicy: PolicyInput | undefined,
    checkSampleRatio = true,
  ) {
    this.current = state;
    const share = stableShare(state);
    const familySize = state.candidates.length;
    this.trackers = state.candidates.map(
      (candidate) =>
        new RolloutTracker(candidateView(state, candidate), book, defaultPolicy, checkSampleRatio, {
          candidate: candidate.variant,
          familySize,
          stableShare: share,
        }),
    );
    this.live = this.trackers.some((t) => t.live);
  }

  /** The rollout's own policy (defaults applied), before the per-candidate adjustments. */
  get policy(): Policy {
    return (this.trackers[0] as RolloutTracker).rolloutPolicy;
  }

  get state(): RolloutState {
    return this.current;
  }

  update(next: RolloutState): void {
    this.current = next;
    const share = stableShare(next);
    next.candidates.forEach((candidate, index) => {
      this.trackers[index]?.update(candidateView(next, candidate), share);
    });
    this.live = this.trackers.some((t) => t.live);
  }

  judgeRollout(now: number, rules: JudgeRules, progress: SourceProgress): ModelJudgement {
    const state = this.current;
    const reports: DecisionReport[] = [];
    const awaiting: ApprovalWait[] = [];
    let command: RolloutCommand | null = null;
    const collect = (tracker: RolloutTracker, proposal: Decision | null): void => {
      const judgement = tracker.judge(now, rules, progress, proposal);
      if (judgement.report !== null) reports.push(judgement.report);
      if (judgement.command !== null) command = judgement.command;
      if (judgement.awaiting !== undefined) awaiting.push(judgement.awaiting);
    };
    const issued = this.issued;
    if (issued?.seq === state.seq) {
      // A command is out for this state: only its issuer reports (a rejection, once).
      const issuer = this.trackers[issued.index];
      if (issuer !== undefined) collect(issuer, null);
      return { reports, command: null, awaiting };
    }
    const proposals = this.trackers.map((tracker) => tracker.propose(now, rules, progress));
    const actor = this.chooseActor(proposals);
    this.trackers.forEach((tracker, index) => {
      const proposal = proposals[index] ?? null;
      if (proposal === null) return;
      if (actor === null || index === actor.index) {
        collect(tracker, index === actor?.index ? actor.decision : this.held(proposal, proposals));
      } else if (proposal.action === DecisionAction.HOLD) {
        collect(tracker, proposal);
      }
      // A candidate that wanted to act while another acts is judged again on the next state.
    });
    if (command !== null && actor !== null) this.issued = { seq: state.seq, index: actor.index };
    return { reports, command, awaiting };
  }

  /** The candidate whose decision is carried out now, if any (rules 2 and 3 above). */
  private chooseActor(
    proposals: readonly (Decision | null)[],
  ): { index: number; decision: Decision } | null {
    for (const action of ACT_FIRST) {
      const index = proposals.findIndex((p) => p?.action === action);
      if (index >= 0) return { index, decision: proposals[index] as Decision };
    }
    const live = proposals.flatMap((p, index) => (p === null ? [] : [{ p, index }]));
    if (live.length === 0 || !live.every(({ p }) => p.action === DecisionAction.PROMOTE)) {
      return null;
    }
    const ranked = live
      .map(({ p, index }) => ({ index, p, ...this.primaryBound(index, p) }))
      .sort((a, b) => b.bound - a.bound || a.index - b.index);
    const best = ranked[0] as (typeof ranked)[number];
    if (ranked.length === 1) return { index: best.index, decision: best.p };
    const others = ranked
      .slice(1)
      .map((r) => `${this.variantAt(r.index)} (${formatBound(r.bound, r.metric)})`)
      .join(', ');
    return {
      index: best.index,
      decision: {
        ...best.p,
        reason: `${best.p.reason}; chosen over ${others} by its proven gain on ${best.metric} over the stable (${formatBound(best.bound, best.metric)})`,
      },
    };
  }

  /**
   * How much better than the stable the candidate is proven to be on the primary metric: the
   * lower bound of the difference (higher is better), or minus its upper bound (a loss).
   */
  private primaryBound(index: number, decision: Decision): { bound: number; metric: string } {
    const tracker = this.trackers[index] as RolloutTracker;
    const observations = tracker.observations(tracker.state.phase);
    const primary = resolveScorecard(tracker.policy, dataShape(observations)).primary;
    const row = decision.evidence.find((e) => e.metric === primary.metric && e.segment === null);
    const bound =
      row === undefined
        ? null
        : primary.better === 'higher'
          ? row.lower
          : row.upper === null
            ? null
            : -row.upper;
    return { bound: bound ?? Number.NEGATIVE_INFINITY, metric: primary.metric };
  }

  private variantAt(index: number): string {
    return this.trackers[index]?.canary ?? `#${index}`;
  }

  /** A PROMOTE that waits for the other live candidates; any other proposal as it is. */
  private held(proposal: Decision, proposals: readonly (Decision | null)[]): Decision {
    if (proposal.action !== DecisionAction.PROMOTE) return proposal;
    const waiting = proposals
      .map((p, index) => (p !== null && p.action !== DecisionAction.PROMOTE ? index : -1))
      .filter((index) => index >= 0)
      .map((index) => this.variantAt(index));
    return {
      ...proposal,
      action: DecisionAction.HOLD,
      code: DecisionCode.AWAITING_CANDIDATES,
      reason: `Hold: ready to promote, waiting for ${waiting.join(', ')} to finish (the best candidate is promoted once every live one is ready): ${proposal.reason}`,
      target: null,
    };
  }
}

/** A proven gain: accuracy in points, other metrics in their own units. */
function formatBound(bound: number, metric: string): string {
  if (!Number.isFinite(bound)) return 'no bound yet';
  const sign = bound >= 0 ? '+' : '−';
  const size = Math.abs(bound);
  return metric === 'accuracy'
    ? `${sign}${(100 * size).toFixed(1)} points`
    : `${sign}${size.toPrecision(3)}`;
}
