/**
 * Shadow pairs: in shadow mode a rollout's canary variant answers a copy of every request
 * (role SHADOW, served=false) beside the stable variant (role STABLE, served=true). Both answer
 * the same request, so they can be compared paired. A pair is the served stable prediction and
 * one unserved shadow prediction of the same requestId and the same non-null rolloutId; with
 * several shadow variants the stable pairs with each. Nothing else pairs.
 */
import { PredictionStatus, Role } from '@kanary/contracts';
import type { EvaluatedVariant, PendingPrediction } from './join-entry.js';

/** Whether a prediction with these fields can be part of a pair at all. */
function pairable(role: Role, served: boolean, rolloutId: string | null): rolloutId is string {
  if (rolloutId === null) return false;
  return role === Role.STABLE ? served : role === Role.SHADOW && !served;
}

/**
 * What a held label keeps of `p`, just evaluated: its variant (duplicate detection) and, when it
 * can pair, what a later partner is compared with.
 */
export function evaluatedVariant(p: PendingPrediction, correct: boolean): EvaluatedVariant {
  const { variant, role, served, rolloutId, predictedAt } = p;
  if (!pairable(role, served, rolloutId)) return { variant, pairing: null };
  const output = p.status === PredictionStatus.OK ? p.output : null;
  return { variant, pairing: { role, served, rolloutId, predictedAt, correct, output } };
}
