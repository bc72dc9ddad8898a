/**
 * The offline replay: recorded predictions and labels judged by the decision engine exactly as
 * the live service would have judged them, on a simulated clock of data time. Feed it lines
 * (`line`), then call `finish`. Pure and deterministic: the result depends only on the lines,
 * their order and the options. Memory is bounded by the reordering window, the evaluator's join
 * store and the engine's statistics — never by the length of the file.
 *
 * The pipeline is the live one without Kafka: each prediction goes through the evaluator's join
 * core (`JoinProcessor`, so correctness and shadow pairs are computed exactly as the evaluator
 * computes them — class match, numeric tolerance, failed calls wrong), and the engine folds what
 * the evaluator folds — routed requests (served predictions, and shadow copies as unserved),
 * evaluations and shadow pairs — with the evaluator's folding code, as one source partition
 * complete up to each tick. `tick(now)` runs every `intervalMs` of data
 * time and once at the end; the engine's commands go through the rollout state machine, so it
 * sees its ADVANCE/PROMOTE/ROLLBACK take effect. The data's traffic split does not change with
 * them — replay judges, it cannot move traffic — so the sample-ratio check, which compares the
 * split with the weight in force, is not applicable (the engine's `checkSampleRatio: false`).
 *
 * Time: events are handled in timestamp order (see {@link ReorderBuffer}); one that arrives
 * later than the reordering slack is applied at the current clock and counted as out of order.
 * A gap in the data longer than the label maturity plus the longest step is not ticked through
 * tick by tick (nothing but the step timeout could change then): the clock jumps, counted.
 */
import {
  IssuedBy,
  PredictionStatus,
  Role,
  RolloutAction,
  type DecisionReport,
  type Prediction,
} from '@kanary/contracts';
import { JoinProcessor, type ProcessorOutput } from '@kanary/join';
import { applyCommand, commandOnState, parsePolicy, type Policy } from '@kanary/rollout';
import { createDecisionEngine } from '../core/engine.js';
import type { DecisionEngine } from '../core/engine-types.js';
import { ReorderBuffer } from './reorder-buffer.js';
import { parseReplayLine, type LineIssue, type ReplayEvent } from './replay-line.js';
import { buildReplayResult, type ReplayResult } from './replay-result.js';
import type { ReplayOptions } from './replay-options.js';
import { ReplayTrack, type StartSettings } from './replay-track.js';

/** Counts of what the input held and what became of it. */
export interface ReplayCounts {
  lines: number;
  blank: number;
  events: number;
  predictions: number;
  labels: number;
  invalid: number;
  readonly issues: LineIssue[];
  /** Events later than the reordering slack, applied at the current clock. */
  outOfOrder: number;
  /** Predictions (same request and variant) or labels (same request) seen before; the first wins. */
  duplicates: number;
  /** Ids the join reserves (starting with U+0000); not joined. */
  reservedIds: number;
  /** Predictions made before their model's rollout began (stable-only history). */
  beforeRollout: number;
  /**
   * Events of a model after its rollout was promoted, rolled back or paused, and predictions of
   * an A/B/n candidate after it was rolled back alone.
   */
  afterDecision: number;
  /** Predictions and labels that never met their other side in the file. */
  readonly unmatched: { predictions: number; labels: number };
  /** Long gaps in the data the clock jumped over. */
  clockJumps: number;
  /** Commands the rollout state machine rejected (none expected; a replay issues them in order). */
  rejectedCommands: number;
  /**
   * Steps whose ADVANCE or PROMOTE the policy gates behind an approval: the replay approves each
   * wait at once (actor `replay`), so it shows what the evidence allowed and when; the live
   * service waits for a person or a confirm webhook.
   */
  approvalsAssumed: number;
}

const { OK } = PredictionStatus;
const NON_BLANK = /\S/;
const { SHADOW } = Role;

/** Orders events of the same timestamp by content, so any arrival order gives the same run. */
function sameTimeOrder(a: ReplayEvent, b: ReplayEvent): number {
  if (a.kind !== b.kind) return a.kind === 'prediction' ? -1 : 1;
  if (a.requestId !== b.requestId) return a.requestId < b.requestId ? -1 : 1;
  const va = a.kind === 'prediction' ? a.variant : '';
  const vb = b.kind === 'prediction' ? b.variant : '';
  return va < vb ? -1 : va > vb ? 1 : 0;
}

export class Replayer {
  readonly policy: Policy;
  private readonly start: StartSettings;
  private readonly intervalMs: number;
  private readonly idleLimitMs: number;
  private readonly maxListedIssues: number;
  private readonly engine: DecisionEngine;
  private readonly join: JoinProcessor;
  private readonly reorder: ReorderBuffer<ReplayEvent>;
  private readonly tracks = new Map<string, ReplayTrack>();
  private readonly decisions: DecisionReport[] = [];
  private readonly settings: ReplayResult['settings'];
  private readonly counts: ReplayCounts = {
    lines: 0,
    blank: 0,
    events: 0,
    predictions: 0,
    labels: 0,
    invalid: 0,
    issues: [],
    outOfOrder: 0,
    duplicates: 0,
    reservedIds: 0,
    beforeRollout: 0,
    afterDecision: 0,
    unmatched: { predictions: 0, labels: 0 },
    clockJumps: 0,
    rejectedCommands: 0,
    approvalsAssumed: 0,
  };
  private clock = Number.NEGATIVE_INFINITY;
  private nextTick: number | null = null;
  private lastTick: number | null = null;
  private finished = false;
  private readonly release = (event: ReplayEvent, late: boolean): void => this.process(event, late);

  /**
   * @throws PolicyError naming the offending field when `options.policy` is invalid; RangeError
   * for an interval, slack or buffer size out of range.
   */
  constructor(options: ReplayOptions = {}) {
    this.policy = parsePolicy(options.policy ?? null);
    this.intervalMs = options.intervalMs ?? 5_000;
    const reorderSlackMs = options.reorderSlackMs ?? 60_000;
    const maxHeld = options.maxReorderEvents ?? 1_000_000;
    if (!(this.intervalMs > 0 && Number.isFinite(this.intervalMs))) {
      throw new RangeError(`intervalMs must be a positive number of ms, got ${this.intervalMs}`);
    }
    if (!(reorderSlackMs >= 0 && Number.isFinite(reorderSlackMs))) {
      throw new RangeError(`reorderSlackMs must be >= 0 ms, got ${reorderSlackMs}`);
    }
    if (!(maxHeld >= 1)) throw new RangeError(`maxReorderEvents must be >= 1, got ${maxHeld}`);
    this.idleLimitMs =
      this.policy.labelMaturityMs + this.policy.maxStepDurationMs + this.intervalMs;
    this.maxListedIssues = options.maxListedIssues ?? 20;
    this.reorder = new ReorderBuffer<ReplayEvent>(
      { slackMs: reorderSlackMs, maxHeld },
      sameTimeOrder,
    );
    // Every HOLD is reported (intervalMs 0): the final outcome quotes the latest one.
    this.engine = createDecisionEngine({ holdReportIntervalMs: 0, checkSampleRatio: false });
    // A label later than the maturity window cannot count, so the join need not wait longer for
    // one (nor keep a matched label longer for late shadow copies): memory then follows the
    // request rate times the window, not the evaluator's 7-day TTL. Without a window (0), every
    // label counts whenever it comes: the evaluator's TTL applies.
    const maturity = this.policy.labelMaturityMs;
    this.join = new JoinProcessor({
      ...(maturity > 0 ? { ttlMs: maturity + reorderSlackMs } : {}),
      ...options.join,
    });
    this.settings = { policy: this.policy, intervalMs: this.intervalMs, reorderSlackMs };
    this.start = {
      policy: this.policy,
      policyText: JSON.stringify(options.policy ?? {}),
      lookaheadMs: reorderSlackMs,
    };
  }

  /** One line of the file (numbered from 1 in call order); blank lines are skipped. */
  line(text: string): void {
    if (this.finished) throw new Error('Replayer.line called after finish');
    const counts = this.counts;
    counts.lines += 1;
    if (!NON_BLANK.test(text)) {
      counts.blank += 1;
      return;
    }
    const parsed = parseReplayLine(text, counts.lines);
    if (!parsed.ok) {
      counts.invalid += 1;
      if (counts.issues.length < this.maxListedIssues) counts.issues.push(parsed.issue);
      return;
    }
    counts.events += 1;
    const { event } = parsed;
    if (event.kind === 'prediction') {
      this.track(event.model).announce(event.variant, event.role, event.timestamp);
    }
    this.reorder.push(parsed.event, parsed.event.timestamp, this.release);
  }

  /** Processes what is still held, judges once more at the end, and returns the result. */
  finish(): ReplayResult {
    if (this.finished) throw new Error('Replayer.finish called twice');
    this.finished = true;
    this.reorder.drain(this.release);
    if (this.nextTick !== null) this.tick(this.nextTick);
    const end = this.lastTick ?? 0;
    const pending = this.join.stats();
    this.counts.unmatched.predictions += pending.pendingPredictions;
    this.counts.unmatched.labels += pending.pendingLabels;
    return buildReplayResult({
      decisions: this.decisions,
      tracks: [...this.tracks.values()].sort((a, b) => (a.model < b.model ? -1 : 1)),
      summaries: this.engine.summary(end),
      counts: this.counts,
      diagnostics: this.engine.diagnostics(),
      settings: this.settings,
      end,
    });
  }

  private process(event: ReplayEvent, late: boolean): void {
    if (late) this.counts.outOfOrder += 1;
    const now = late ? this.clock : event.timestamp;
    if (this.nextTick === null) {
      this.join.init({ now });
      this.nextTick = Math.floor(now / this.intervalMs) * this.intervalMs + this.intervalMs;
    }
    this.advanceTo(now);
    this.clock = now;
    if (event.kind === 'prediction') this.onPrediction(event, now);
    else this.onLabel(event, now);
  }

  /** Judges at every tick before `time`, jumping over idle stretches longer than the limit. */
  private advanceTo(time: number): void {
    const interval = this.intervalMs;
    while (this.nextTick !== null && this.nextTick < time) {
      if (this.nextTick - this.clock > this.idleLimitMs) {
        const lastBefore = Math.ceil(time / interval) * interval - interval;
        if (lastBefore > this.nextTick) {
          this.nextTick = lastBefore;
          this.counts.clockJumps += 1;
        }
      }
      this.tick(this.nextTick);
      this.nextTick += interval;
    }
  }

  private track(model: string): ReplayTrack {
    let track = this.tracks.get(model);
    if (track === undefined) {
      track = new ReplayTrack(model);
      this.tracks.set(model, track);
    }
    return track;
  }

  private onPrediction(event: Extract<ReplayEvent, { kind: 'prediction' }>, now: number): void {
    this.counts.predictions += 1;
    const track = this.track(event.model);
    const { requestId, model, variant, role, output, latencyMs, status, timestamp } = event;
    const started = track.observe(variant, role, now, this.start);
    if (started !== null) this.engine.onState(started);
    const rolloutId = track.state === null ? null : track.rolloutId;
    const served = role !== SHADOW;
    const error = status === OK ? null : status;
    const prediction: Prediction = {
      requestId,
      model,
      rolloutId,
      variant,
      role,
      served,
      output,
      score: null,
      scores: event.scores ?? null,
      segment: event.segment ?? null,
      latencyMs,
      status,
      error,
      timestamp,
    };
    const out = this.join.process({ kind: 'prediction', value: prediction }, now);
    if (this.ignored(out)) return;
    if (track.done) this.counts.afterDecision += 1;
    else if (rolloutId === null) this.counts.beforeRollout += 1;
    else {
      if (served) track.countServed(variant, role);
      const routedAt = timestamp;
      if (track.judges(variant)) {
        this.engine.onRouted({ requestId, model, rolloutId, variant, role, served, routedAt });
      } else this.counts.afterDecision += 1;
    }
    this.deliver(out);
  }

  private onLabel(event: Extract<ReplayEvent, { kind: 'label' }>, now: number): void {
    this.counts.labels += 1;
    const { requestId, model, label, timestamp } = event;
    const outcomes = event.outcomes ?? null;
    const out = this.join.process(
      { kind: 'label', value: { requestId, model, label, timestamp, outcomes } },
      now,
    );
    if (this.ignored(out)) return;
    if (this.tracks.get(model)?.done === true) this.counts.afterDecision += 1;
    this.deliver(out);
  }

  /** Counts a record the join ignored; true when it was. */
  private ignored(out: ProcessorOutput): boolean {
    const [ignored] = out.ignored;
    if (ignored === undefined) return false;
    if (ignored.reason === 'DUPLICATE') this.counts.duplicates += 1;
    else this.counts.reservedIds += 1;
    return true;
  }

  /**
   * What the join produced — evaluations and shadow pairs — to the engine, as the evaluator folds
   * them, except for models whose judging has ended.
   */
  private deliver(out: ProcessorOutput): void {
    const judged = (model: string) => this.tracks.get(model)?.done !== true;
    for (const evaluation of out.evaluations) {
      if (this.tracks.get(evaluation.model)?.judges(evaluation.variant) !== false) {
        this.engine.onEvaluation(evaluation);
      }
    }
    for (const pair of out.outputPairs) if (judged(pair.model)) this.engine.onOutputPair(pair);
    for (const pair of out.labelledPairs) if (judged(pair.model)) this.engine.onLabelledPair(pair);
  }

  private tick(now: number): void {
    this.lastTick = now;
    const output = this.engine.tick(now);
    for (const report of output.reports) {
      const track = this.tracks.get(report.model);
      if (track !== undefined) track.lastReport = report;
      if (report.commandId !== null) this.decisions.push(report);
    }
    const approvals = output.awaitingApproval.map((wait) =>
      commandOnState(wait.state, RolloutAction.APPROVE, {
        commandId: `${wait.state.rolloutId}:${wait.state.seq}:APPROVE`,
        issuedAt: now,
        issuedBy: IssuedBy.OPERATOR,
        reason: `assumed by the replay: ${wait.reason}`,
        actor: 'replay',
      }),
    );
    for (const command of [...output.commands, ...approvals]) {
      const track = this.tracks.get(command.model);
      if (track?.state === null || track === undefined) continue;
      const applied = applyCommand(track.state, command, now);
      if (applied.outcome === 'REJECTED') this.counts.rejectedCommands += 1;
      else if (command.action === RolloutAction.APPROVE) this.counts.approvalsAssumed += 1;
      if (applied.state === undefined) continue;
      this.engine.onState(applied.state);
      const report = output.reports.find((r) => r.commandId === command.commandId);
      track.apply(applied.state, report, now);
    }
    for (const expired of this.join.punctuate(now).expired) {
      if (expired.kind === 'prediction') this.counts.unmatched.predictions += 1;
      else if (!expired.matched) this.counts.unmatched.labels += 1;
    }
  }
}
