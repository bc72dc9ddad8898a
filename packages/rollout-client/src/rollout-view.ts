import type { DecisionReport, RolloutState, VariantMetrics } from '@kanary/contracts';
import { EvidenceBook } from '@kanary/evidence';
import { TopicFollower } from '@kanary/kafka';
import type { RolloutClientContext } from './client-context.js';

/** No state matching the condition was seen in time (is a router running on the cluster?). */
export class StateWaitTimeoutError extends Error {
  override readonly name = 'StateWaitTimeoutError';
}

/** One record the view saw, in topic order per topic. */
export type ViewEvent =
  | { readonly kind: 'state'; readonly value: RolloutState }
  | { readonly kind: 'decision'; readonly value: DecisionReport }
  | { readonly kind: 'metrics'; readonly value: VariantMetrics };

export interface RolloutViewOptions {
  /** Also follow the evaluator's `metrics` snapshots. @default false */
  metrics?: boolean;
  /**
   * Also follow the evidence topic, merged into {@link RolloutView.evidence}: exact per-arm
   * numbers whatever the number of evaluator instances. @default false
   */
  evidence?: boolean;
  /** Sees every record, for callers that keep a history (see {@link RolloutHistory}). */
  onEvent?: (event: ViewEvent) => void;
  /**
   * Prefix of the view's consumer groups (a random suffix makes each unique; they commit
   * nothing). @default "<topic prefix>.cli.view"
   */
  groupIdPrefix?: string;
}

/**
 * A live view of `rollout.state` (latest state per model) and `rollout.decisions` (latest per
 * rollout, and per candidate of an A/B/n rollout) and, with `metrics`, of the evaluator's `metrics` snapshots (latest per rollout and
 * variant). `onEvent` sees every record, for callers that keep a history.
 */
export class RolloutView {
  readonly states: Map<string, RolloutState> = new Map();
  readonly decisions: Map<string, DecisionReport> = new Map();
  /** A/B/n rollouts: the latest decision about each candidate. Key: `<rolloutId>/<candidate>`. */
  readonly candidateDecisions: Map<string, DecisionReport> = new Map();
  /** Key: `<rolloutId>/<variant>`. */
  readonly metrics: Map<string, VariantMetrics> = new Map();
  /** Every source partition's latest evidence (with `evidence: true`). */
  readonly evidence = new EvidenceBook();
  private readonly listeners = new Set<() => void>();
  private readonly followers: Array<
    TopicFollower<'RolloutState' | 'DecisionReport' | 'VariantMetrics' | 'ArmEvidence'>
  >;

  constructor(ctx: RolloutClientContext, options: RolloutViewOptions = {}) {
    const common = {
      kafka: ctx.kafka,
      codec: ctx.codec,
      logger: ctx.logger,
      groupIdPrefix: options.groupIdPrefix ?? `${ctx.connection.topicPrefix}.cli.view`,
    };
    const seen = (event: ViewEvent) => {
      options.onEvent?.(event);
      this.changed();
    };
    this.followers = [
      new TopicFollower({
        ...common,
        topic: ctx.catalog.state,
        onRecord: (r) => {
          if (r.key === null) return;
          if (r.value === null) this.states.delete(r.key);
          else {
            this.states.set(r.key, r.value);
            seen({ kind: 'state', value: r.value });
          }
        },
      }),
      new TopicFollower({
        ...common,
        topic: ctx.catalog.decisions,
        onRecord: (r) => {
          if (r.value === null) return;
          this.decisions.set(r.value.rolloutId, r.value);
          if (r.value.candidate !== null) {
            this.candidateDecisions.set(`${r.value.rolloutId}/${r.value.candidate}`, r.value);
          }
          seen({ kind: 'decision', value: r.value });
        },
      }),
    ];
    if (options.metrics === true) {
      this.followers.push(
        new TopicFollower({
          ...common,
          topic: ctx.catalog.metrics,
          onRecord: (r) => {
            if (r.value === null) return;
            this.metrics.set(`${r.value.rolloutId ?? ''}/${r.value.variant}`, r.value);
            seen({ kind: 'metrics', value: r.value });
          },
        }),
      );
    }
    if (options.evidence === true) {
      this.followers.push(
        new TopicFollower({
          ...common,
          topic: ctx.catalog.evidence,
          onRecord: (r) => {
            if (r.value === null) return;
            this.evidence.apply(r.value);
            this.changed();
          },
        }),
      );
    }
  }

  /** Starts following and resolves once every followed topic is read to its current end. */
  async open(timeoutMs = 20_000): Promise<this> {
    try {
      await Promise.all(this.followers.map((f) => f.start()));
      await Promise.all(this.followers.map((f) => f.catchUp(timeoutMs)));
      return this;
    } catch (e) {
      // Leave no consumer behind: the process must be able to exit with the error.
      await this.close().catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.followers.map((f) => f.stop()));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the state once `predicate` holds for the model's state, or rejects after `timeoutMs`. */
  waitForState(
    model: string,
    predicate: (s: RolloutState) => boolean,
    timeoutMs: number,
  ): Promise<RolloutState> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = this.states.get(model);
        if (s && predicate(s)) {
          clearTimeout(timer);
          off();
          resolve(s);
        }
      };
      const timer = setTimeout(() => {
        off();
        reject(
          new StateWaitTimeoutError(
            `no router applied the command for model "${model}" within ${timeoutMs} ms: is the router running on this cluster?`,
          ),
        );
      }, timeoutMs);
      const off = this.onChange(check);
      check();
    });
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
