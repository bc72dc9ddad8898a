/**
 * Seeded recorded traffic for `kanary replay`: the JSON lines a recording of one model's
 * rollout would hold, drawn from the same variant and label models as the closed-loop
 * simulation (`simulateRollout`'s `VariantModel` and `LabelModel`) — accuracy, error rate,
 * log-normal latency, label delays that may depend on whether the served answer was right. Unlike the simulation the split is fixed
 * (a recording does not react to decisions), so this is what replay tests, the example file and
 * the speed measurement are made from.
 *
 * Binary classification: each request's true class is "approve" or "deny" with equal odds, and a
 * wrong answer is the other class. Lines come out sorted by timestamp (predictions at their
 * prediction time, labels at their label time); the same scenario always gives the same lines.
 */
import { PredictionStatus, Role } from '@kanary/contracts';
import { createRng, type Rng } from '@kanary/stats';
import { Heap } from 'heap-js';
import {
  SIMULATION_START,
  type LabelModel,
  type VariantModel,
} from '../simulation/simulate-rollout.js';

export interface ReplayScenario {
  readonly seed: number;
  readonly requestsPerSecond: number;
  /** Length of the recording, ms. */
  readonly durationMs: number;
  readonly stable: VariantModel;
  readonly canary: VariantModel;
  readonly labels: LabelModel;
  /**
   * A/B/n: several canaries (role canary, each its variant name), each serving `canaryShare` of
   * the requests, instead of `canary` (which is then ignored). @default none (one canary)
   */
  readonly candidates?: readonly { readonly variant: string; readonly model: VariantModel }[];
  /** Share of requests the canary (each candidate) serves (canary mode). @default 0.1 */
  readonly canaryShare?: number;
  /** The canary answers a copy of every request (role shadow) instead of serving a share. @default false */
  readonly shadow?: boolean;
  /** The canary begins this long after the recording (the stable serves alone until then), ms. @default 0 */
  readonly canaryStartMs?: number;
  /** Share of requests on which both variants' correctness is drawn from one number. @default 0.9 */
  readonly correlation?: number;
  /** @default 'm' */
  readonly model?: string;
  /** @default 'v1' */
  readonly stableVariant?: string;
  /** @default 'v2' */
  readonly canaryVariant?: string;
  /** First request, epoch ms. @default 2026-01-01T00:00:00Z */
  readonly startAt?: number;
}

const CLASSES = ['approve', 'deny'] as const;

interface Pending {
  readonly time: number;
  readonly seq: number;
  readonly line: string;
}

/** One recorded answer: a variant's prediction line and whether it was right. */
interface Answer {
  readonly correct: boolean;
  readonly line: string;
  readonly predictedAt: number;
}

/**
 * A variant answers a request the way `simulateRollout` draws it: ERROR with the model's error
 * rate (an error is wrong), else right when `uniform` < accuracy; log-normal latency.
 */
function answer(
  rng: Rng,
  behaviour: VariantModel,
  uniform: number,
  ids: { requestId: string; model: string; variant: string; role: Role },
  routedAt: number,
  truth: string,
): Answer {
  const failed = rng.next() < (behaviour.errorRate ?? 0.01);
  const latencyMs =
    (behaviour.latencyMedianMs ?? 100) * Math.exp((behaviour.latencySigma ?? 0.3) * rng.normal());
  const correct = !failed && uniform < behaviour.accuracy;
  const predictedAt = routedAt + Math.round(latencyMs);
  const output = failed ? null : correct ? truth : truth === CLASSES[0] ? CLASSES[1] : CLASSES[0];
  const line = JSON.stringify({
    kind: 'prediction',
    ...ids,
    role: ids.role.toLowerCase(),
    output,
    latencyMs: Math.round(latencyMs * 10) / 10,
    status: (failed ? PredictionStatus.ERROR : PredictionStatus.OK).toLowerCase(),
    timestamp: predictedAt,
  });
  return { correct, line, predictedAt };
}

/** The scenario's lines, one JSON object each, in timestamp order. */
export function* replayScenarioLines(scenario: ReplayScenario): Generator<string> {
  const rng = createRng(scenario.seed);
  const model = scenario.model ?? 'm';
  const stable = scenario.stableVariant ?? 'v1';
  const canary = scenario.canaryVariant ?? 'v2';
  const startAt = scenario.startAt ?? SIMULATION_START;
  const canaryFrom = startAt + (scenario.canaryStartMs ?? 0);
  const share = scenario.canaryShare ?? 0.1;
  const correlation = scenario.correlation ?? 0.9;
  const requests = Math.round((scenario.requestsPerSecond * scenario.durationMs) / 1000);
  const gapMs = 1000 / scenario.requestsPerSecond;
  const pending = new Heap<Pending>((a, b) => a.time - b.time || a.seq - b.seq);
  let seq = 0;
  const hold = (time: number, line: string) => pending.push({ time, seq: seq++, line });

  for (let i = 0; i < requests; i += 1) {
    const routedAt = Math.floor(startAt + (i + rng.next()) * gapMs);
    // Everything held is at or after its request's routing time, so what is older is final.
    while ((pending.peek()?.time ?? Infinity) < routedAt) yield pending.pop()!.line;
    const requestId = `r${i}`;
    const truth = CLASSES[rng.int(2)]!;
    // Both variants' correctness comes from one number on a share of requests (`correlation`).
    const shared = rng.next();
    const uniform = () => (rng.next() < correlation ? shared : rng.next());
    const live = routedAt >= canaryFrom;
    const split = live && scenario.shadow !== true ? rng.next() : null;
    const draw = (behaviour: VariantModel, variant: string, role: Role) =>
      answer(rng, behaviour, uniform(), { requestId, model, variant, role }, routedAt, truth);
    const candidate = split === null ? undefined : scenario.candidates?.[Math.floor(split / share)];
    const served =
      scenario.candidates !== undefined
        ? candidate === undefined
          ? draw(scenario.stable, stable, Role.STABLE)
          : draw(candidate.model, candidate.variant, Role.CANARY)
        : split !== null && split < share
          ? draw(scenario.canary, canary, Role.CANARY)
          : draw(scenario.stable, stable, Role.STABLE);
    hold(served.predictedAt, served.line);
    if (live && scenario.shadow === true) {
      const copy = draw(scenario.canary, canary, Role.SHADOW);
      hold(copy.predictedAt, copy.line);
    }
    if (rng.next() < (scenario.labels.coverage ?? 1)) {
      // Exponential delay with the mean for a right or a wrong served answer.
      const { correctMeanDelayMs, wrongMeanDelayMs } = scenario.labels;
      const mean = served.correct ? correctMeanDelayMs : wrongMeanDelayMs;
      const labeledAt = routedAt + Math.round(-mean * Math.log(1 - rng.next()));
      hold(
        labeledAt,
        JSON.stringify({ kind: 'label', requestId, model, label: truth, timestamp: labeledAt }),
      );
    }
  }
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) yield next.line;
}
