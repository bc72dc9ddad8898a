/**
 * Synthetic traffic of one rollout on one source partition, as the evaluator reads it: routed
 * requests, predictions and labels, each topic in arrival order, and the evaluation the join
 * makes of each label. No Kafka: the evidence benchmarks fold it straight into an
 * `EvidenceFolder`, the way the evaluator's join task does with what it reads.
 *
 * Requests come evenly spaced; each is served by the canary with the rollout's weight (else the
 * stable), answered after a log-normal latency, correct with a fixed probability, and labelled
 * after a delay of `minLabelDelayMs` plus an exponential part — so labels arrive out of request
 * order and complete predictions of many earlier event-time buckets at once, as delayed labels
 * do. Every request is labelled; a label later than the maturity window counts as late.
 */
import type { Evaluation } from '@kanary/contracts';
import type { EvidenceFolder, RoutedInput } from '@kanary/evidence';
import { createRng, type Rng } from '@kanary/stats';

/** The evaluator's input topics (names as the folder's `inputs`). */
export const InputTopic = {
  ROUTED: 'routed',
  PREDICTIONS: 'predictions',
  LABELS: 'labels',
} as const;
export type InputTopic = (typeof InputTopic)[keyof typeof InputTopic];
export const INPUT_TOPICS: readonly InputTopic[] = Object.values(InputTopic);

export interface TrafficShape {
  readonly rolloutId: string;
  readonly model: string;
  readonly stable: string;
  readonly canary: string;
  /** Requests per second over all source partitions. */
  readonly requestsPerSecond: number;
  readonly partitions: number;
  readonly canaryWeight: number;
  /** Probability that an answer is correct (both arms). */
  readonly accuracy: number;
  /** Median of the log-normal backend latency (σ 0.5 of its logarithm), ms. */
  readonly medianLatencyMs: number;
  /** A label arrives this long after its prediction, plus an exponential delay of mean `meanLabelDelayMs`. */
  readonly minLabelDelayMs: number;
  readonly meanLabelDelayMs: number;
  /**
   * False: the labels are those of the generated requests (a rollout that starts with the
   * traffic: few labels during the first delays, and labels still due at the end). True: a
   * stream of labels at the request rate whose delays are drawn alike — the steady state of
   * traffic that has been running for longer than any delay.
   */
  readonly steadyStateLabels: boolean;
}

interface Label {
  /** labeledAt: when the evaluator can read it. */
  at: number;
  predictedAt: number;
  canary: boolean;
  correct: boolean;
  latencyMs: number;
}

/** What one read of a topic took. */
export interface TopicRead {
  readonly records: number;
  /** Arrival time of the last record read (-Infinity when none). */
  readonly latest: number;
  /** Whether it stopped at `max` with more arrivals due (not read to the end). */
  readonly capped: boolean;
}

/** A queue read from the front; its array is compacted now and then. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head += 1;
    if (this.head >= 65_536 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Labels of the generated requests, ordered by arrival (a binary min-heap on `at`). */
class LabelHeap {
  private readonly items: Label[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Label | undefined {
    return this.items[0];
  }

  push(label: Label): void {
    const items = this.items;
    let i = items.push(label) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.at <= label.at) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = label;
  }

  shift(): Label | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.at < items[left]!.at ? right : left;
      if (items[child]!.at >= last.at) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export class PartitionTraffic {
  private readonly rng: Rng;
  private readonly spacingMs: number;
  private readonly firstAt: number;
  private readonly requests: number;
  private generated = 0;
  private readonly routed = new Queue<{ at: number; canary: boolean }>();
  private readonly predictions = new Queue<number>();
  private readonly pending = new LabelHeap();
  private readonly steady = new Queue<Label>();
  private steadyNext = 0;
  private readonly routedInput: { -readonly [K in keyof RoutedInput]: RoutedInput[K] };
  private readonly evaluation: { -readonly [K in keyof Evaluation]: Evaluation[K] };
  /** Evaluations handed to the folder. */
  evaluations = 0;

  /** Requests of this partition are those at `startAt + (k·partitions + partition)/rate`, before `endAt`. */
  constructor(
    private readonly shape: TrafficShape,
    partition: number,
    startAt: number,
    private readonly endAt: number,
    seed: number,
  ) {
    this.rng = createRng(seed * 1_000 + partition);
    this.spacingMs = (1_000 * shape.partitions) / shape.requestsPerSecond;
    this.firstAt = startAt + (partition * 1_000) / shape.requestsPerSecond;
    this.requests = Math.max(0, Math.ceil((endAt - this.firstAt) / this.spacingMs));
    this.routedInput = {
      rolloutId: shape.rolloutId,
      variant: shape.stable,
      role: 'STABLE',
      served: true,
      routedAt: 0,
      routingKey: null,
    };
    this.evaluation = {
      requestId: '',
      model: shape.model,
      rolloutId: shape.rolloutId,
      variant: shape.stable,
      role: 'STABLE',
      served: true,
      correct: true,
      logLoss: null,
      brier: null,
      segment: null,
      outcomes: null,
      absError: null,
      latencyMs: 0,
      status: 'OK',
      predictedAt: 0,
      labeledAt: 0,
    };
  }

  /** Arrival time of the next unread record of `topic` (Infinity when none is left before the end). */
  nextArrival(topic: InputTopic): number {
    this.generateUntil(this.endAt);
    const at = this.headOf(topic);
    return at !== undefined && at < this.endAt ? at : Number.POSITIVE_INFINITY;
  }

  /**
   * Reads up to `max` records of `topic` that arrived by `until` (and before the end): routed
   * requests and the evaluations of labels go into `folder`, and the highest event time read
   * into the folder's watermark for the topic, at `now`.
   */
  read(
    topic: InputTopic,
    until: number,
    max: number,
    folder: EvidenceFolder,
    now: number,
  ): TopicRead {
    const limit = Math.min(until, this.endAt - 1);
    this.generateUntil(limit);
    let records = 0;
    let latest = Number.NEGATIVE_INFINITY;
    for (; records < max; records++) {
      const at = this.headOf(topic);
      if (at === undefined || at > limit) break;
      latest = Math.max(latest, at);
      if (topic === InputTopic.ROUTED) this.foldRouted(folder);
      else if (topic === InputTopic.PREDICTIONS) this.predictions.shift();
      else this.foldLabel(folder);
    }
    if (records > 0) folder.observe(topic, latest, now);
    const next = this.headOf(topic);
    return { records, latest, capped: next !== undefined && next <= limit };
  }

  private headOf(topic: InputTopic): number | undefined {
    if (topic === InputTopic.ROUTED) return this.routed.peek()?.at;
    if (topic === InputTopic.PREDICTIONS) return this.predictions.peek();
    return (this.shape.steadyStateLabels ? this.steady.peek() : this.pending.peek())?.at;
  }

  private foldRouted(folder: EvidenceFolder): void {
    const request = this.routed.shift()!;
    const input = this.routedInput;
    input.routedAt = request.at;
    input.variant = request.canary ? this.shape.canary : this.shape.stable;
    input.role = request.canary ? 'CANARY' : 'STABLE';
    folder.onRouted(input);
  }

  private foldLabel(folder: EvidenceFolder): void {
    const label = (this.shape.steadyStateLabels ? this.steady.shift() : this.pending.shift())!;
    const e = this.evaluation;
    e.variant = label.canary ? this.shape.canary : this.shape.stable;
    e.role = label.canary ? 'CANARY' : 'STABLE';
    e.correct = label.correct;
    e.latencyMs = label.latencyMs;
    e.predictedAt = label.predictedAt;
    e.labeledAt = label.at;
    folder.onEvaluation(e);
    this.evaluations += 1;
  }

  /** Generates every request (and, in steady state, every label) that arrives by `time`. */
  private generateUntil(time: number): void {
    const { shape } = this;
    for (; this.generated < this.requests; this.generated++) {
      const at = Math.round(this.firstAt + this.generated * this.spacingMs);
      if (at > time) break;
      const label = this.draw(at);
      this.routed.push({ at, canary: label.canary });
      this.predictions.push(label.predictedAt);
      if (!shape.steadyStateLabels) this.pending.push(label);
    }
    if (!shape.steadyStateLabels) return;
    for (; this.steadyNext < this.requests; this.steadyNext++) {
      const at = Math.round(this.firstAt + this.steadyNext * this.spacingMs);
      if (at > time) break;
      const label = this.draw(0);
      const delay = label.at - label.predictedAt;
      label.at = at;
      label.predictedAt = at - delay;
      this.steady.push(label);
    }
  }

  /** The prediction and label of a request routed at `at`. */
  private draw(at: number): Label {
    const { rng, shape } = this;
    const latencyMs = shape.medianLatencyMs * Math.exp(0.5 * rng.normal());
    const predictedAt = Math.round(at + latencyMs);
    const delay = shape.minLabelDelayMs - shape.meanLabelDelayMs * Math.log(1 - rng.next());
    return {
      at: Math.round(predictedAt + delay),
      predictedAt,
      canary: rng.bernoulli(shape.canaryWeight),
      correct: rng.bernoulli(shape.accuracy),
      latencyMs: Math.round(latencyMs * 10) / 10,
    };
  }
}
