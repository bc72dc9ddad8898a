import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { abortedOutcome } from './abort-reason.js';
import {
  BackendKind,
  type BackendResult,
  errorResult,
  type ModelBackend,
  okResult,
  type PredictRequest,
  timeoutResult,
} from './backend.js';
import { parseConfig } from './config-error.js';
import { hashUniform } from './hash-uniform.js';
import { latencyAt } from './latency.js';
import { type CompiledSimConfig, type SimConfig, simConfigSchema } from './sim-config.js';
import { readTruth, SIM_TRUE_LABEL_FIELD, SIM_TRUE_VALUE_FIELD } from './sim-truth.js';

/**
 * A seeded simulated model. Every draw is keyed by (seed, variant, requestId, purpose) through
 * `hashUniform`, never taken from a sequence, so the outcome for a request is the same in every
 * process, in any order, after any restart — which exactly-once tests rely on.
 */
export function createSimBackend(config: SimConfig): ModelBackend {
  const sim: CompiledSimConfig = parseConfig(simConfigSchema, config, 'sim backend config');
  return {
    kind: BackendKind.SIM,
    async predict(request: PredictRequest, signal?: AbortSignal): Promise<BackendResult> {
      return abortedOutcome(signal) ?? simulate(sim, request);
    },
  };
}

function simulate(sim: CompiledSimConfig, request: PredictRequest): BackendResult {
  const draw = (purpose: string): number =>
    hashUniform(sim.seed, request.variant ?? '', request.requestId, purpose);
  const truth = readTruth(request.features);
  if (truth === undefined) {
    return errorResult(
      `sim: features carry neither a string ${SIM_TRUE_LABEL_FIELD} nor a numeric ${SIM_TRUE_VALUE_FIELD}`,
    );
  }
  const latencyMs = latencyAt(sim.latency, draw('latency'));
  // One draw splits into TIMEOUT | ERROR | OK so that the two failure rates never overlap.
  const outcome = draw('outcome');
  if (outcome < sim.timeoutRate) return timeoutResult('sim: simulated timeout', sim.timeoutMs);
  if (outcome < sim.timeoutRate + sim.errorRate)
    return errorResult('sim: simulated error', latencyMs);

  if ('value' in truth) {
    const value = truth.value + sim.noiseSd * normalQuantile(draw('noise'), 0, 1);
    return okResult(String(value), value, latencyMs);
  }
  // A classification answer carries no class probabilities (scores null): the sim draws right or
  // wrong with a fixed accuracy, which is not a probability model whose confidence means anything.
  if (sim.classes === undefined)
    return errorResult('sim: classification requests need `classes` in the sim config');
  if (draw('correct') < sim.accuracy) return okResult(truth.label, null, latencyMs);
  const others = sim.classes.filter((c) => c !== truth.label);
  // The schema demands two distinct classes, so `others` is never empty; the check satisfies the type.
  const wrong = others[Math.floor(draw('wrong-class') * others.length)];
  return wrong === undefined
    ? errorResult('sim: no class other than the true label to predict')
    : okResult(wrong, null, latencyMs);
}
