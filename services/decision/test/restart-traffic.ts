/**
 * Traffic of the restart tests, made of {@link servedRequest}s, and the counts the decision
 * service must judge from it, computed from the requests alone.
 */
import { setTimeout as pace } from 'node:timers/promises';
import type { GroundTruthLabel, RolloutState } from '@kanary/contracts';
import { waitFor } from '@kanary/testkit';
import {
  servedRequest,
  type DecisionBed,
  type RequestRecords,
  type Traffic,
} from './decision-bed.js';

type ArmName = 'stable' | 'canary';
const ARMS: readonly ArmName[] = ['stable', 'canary'];

/** What a set of requests should count per arm. */
export type ExpectedCounts = Record<ArmName, { routed: number; labelled: number; correct: number }>;

/**
 * Per arm: routed requests, those labelled within `maturityMs` of their prediction (later labels
 * do not count; 0: every label counts) and the right answers among them.
 */
export function expectedCounts(
  requests: readonly RequestRecords[],
  maturityMs: number,
): ExpectedCounts {
  const counts: ExpectedCounts = {
    stable: { routed: 0, labelled: 0, correct: 0 },
    canary: { routed: 0, labelled: 0, correct: 0 },
  };
  for (const { prediction, label } of requests) {
    const arm = counts[prediction.role === 'STABLE' ? 'stable' : 'canary'];
    arm.routed += 1;
    if (maturityMs > 0 && label.timestamp - prediction.timestamp > maturityMs) continue;
    arm.labelled += 1;
    if (prediction.output === label.label) arm.correct += 1;
  }
  return counts;
}

/** The requests of a step's traffic. */
export const requestsOf = (traffic: Traffic): RequestRecords[] =>
  traffic.predictions.map((prediction, i) => ({
    routed: traffic.routed[i]!,
    prediction,
    label: traffic.labels[i]!,
  }));

/**
 * A/A traffic of `state`'s rollout at weight 0.5 until stopped: every 250 ms five requests per
 * arm, routed and predicted now, every tenth answer of each arm wrong (both arms exactly as
 * accurate), each labelled 1–6 s later. Routing keys are unique and the split exact, so the
 * sample-ratio check sees the configured weight.
 */
export function aaTraffic(bed: DecisionBed, state: RolloutState): { stop(): Promise<void> } {
  let stopped = false;
  const answered = { stable: 0, canary: 0 };
  let unlabelled: Array<{ due: number; label: GroundTruthLabel }> = [];
  const loop = (async () => {
    // No bucket may straddle the step's start (it would belong to the time before).
    await waitFor(() => Date.now() >= state.stepStartedAt + 1_000);
    for (let batch = 0; !stopped; batch += 1) {
      const at = Date.now();
      const requests: RequestRecords[] = [];
      for (const arm of ARMS) {
        for (let i = 0; i < 5; i += 1) {
          const n = answered[arm]++;
          const answer = { correct: n % 10 !== 9, latencyMs: 25 };
          const request = servedRequest(
            state.rolloutId,
            arm,
            `aa-${batch}-${arm}-${i}`,
            at,
            answer,
          );
          requests.push(request);
          unlabelled.push({ due: at + 1_000 + (n % 6) * 1_000, label: request.label });
        }
      }
      const due = unlabelled.filter((u) => u.due <= at);
      unlabelled = unlabelled.filter((u) => u.due > at);
      const { catalog } = bed;
      await bed.produce(
        catalog.routed,
        requests.map((r) => r.routed),
        (r) => r.requestId,
      );
      await bed.produce(
        catalog.predictions,
        requests.map((r) => r.prediction),
        (p) => p.requestId,
      );
      const labels = due.map((u) => ({ ...u.label, timestamp: Date.now() }));
      await bed.produce(catalog.labels, labels, (l) => l.requestId);
      // The traffic's rate, not a wait for anything.
      await pace(Math.max(0, at + 250 - Date.now()));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Traffic of rollout `rolloutId` from `startedAt` over `seconds` seconds, one or two requests per
 * arm in every second; the stable answers 80 % right, the canary 90 %; labels come 2 s after the
 * prediction, every eleventh one `maturityMs` + 5 s after it (late: it does not count).
 */
export function longTraffic(
  rolloutId: string,
  startedAt: number,
  seconds: number,
  maturityMs: number,
): RequestRecords[] {
  const requests: RequestRecords[] = [];
  const answered = { stable: 0, canary: 0 };
  for (let s = 0; s < seconds; s += 1) {
    for (const arm of ARMS) {
      const perSecond = 1 + ((s + (arm === 'stable' ? 0 : 1)) % 2);
      for (let i = 0; i < perSecond; i += 1) {
        const n = answered[arm]++;
        const at = startedAt + s * 1_000 + 100 + i * 400;
        const correct = arm === 'stable' ? n % 5 !== 0 : n % 10 !== 0;
        const labelledAt = at + (n % 11 === 3 ? maturityMs + 5_000 : 2_000);
        const answer = { correct, latencyMs: 20 + (n % 7) };
        requests.push(
          servedRequest(rolloutId, arm, `long-${s}-${arm}-${i}`, at, answer, labelledAt),
        );
      }
    }
  }
  return requests;
}
