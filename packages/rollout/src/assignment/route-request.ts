import type { Dispatch, InferenceRequest, RoutedRequest } from '@kanary/contracts';
import { assign } from './assign.js';
import { requestSegment } from './request-segment.js';
import type { RoutingTable } from './routing-table.js';

/** What {@link routeRequest} decided for one request. */
export type RoutingOutcome =
  | {
      readonly kind: 'routed';
      /** The served record first, then one per shadow (`served=false`), in assignment order. */
      readonly records: readonly RoutedRequest[];
    }
  | { readonly kind: 'unknown-model'; readonly model: string; readonly reason: string };

/**
 * Routes one request by the table: one `RoutedRequest` for the variant that serves it and one
 * copy per shadow variant, each saying who answers it (`dispatch`: the model workers for the
 * Kafka ingress, the caller for an HTTP assignment). A model with neither a rollout state nor a
 * default variant is `unknown-model`, with a reason for the dead-letter record.
 *
 * Every record of a request in a live rollout whose policy names a segment feature carries the
 * request's segment ({@link requestSegment}); the features are parsed for it only then, since
 * parsing is what routing a request mostly costs.
 */
export function routeRequest(
  table: RoutingTable,
  request: InferenceRequest,
  routedAt: number,
  dispatch: Dispatch,
): RoutingOutcome {
  const assignment = assign(table, request);
  if (assignment.kind === 'unknown-model') {
    return {
      kind: 'unknown-model',
      model: request.model,
      reason: `model "${request.model}" has no rollout state and no default variant (ROUTER_DEFAULT_VARIANTS)`,
    };
  }
  // Object literals, not `{ ...base, variant }`: V8 (Node 20) adds properties after a spread
  // slowly, ~4 µs per record here (bench/RESULTS.md).
  const { rolloutId, served } = assignment;
  const feature = rolloutId === null ? undefined : table.segmentFeatures.get(request.model);
  const segment = feature === undefined ? null : requestSegment(request.features, feature);
  const routing = { routedAt, dispatch, segment };
  const records = [routedRecord(request, rolloutId, routing, served.variant, served.role, true)];
  for (const shadow of assignment.shadows) {
    records.push(routedRecord(request, rolloutId, routing, shadow.variant, shadow.role, false));
  }
  return { kind: 'routed', records };
}

function routedRecord(
  request: InferenceRequest,
  rolloutId: string | null,
  routing: {
    readonly routedAt: number;
    readonly dispatch: Dispatch;
    readonly segment: string | null;
  },
  variant: string,
  role: RoutedRequest['role'],
  served: boolean,
): RoutedRequest {
  return {
    requestId: request.requestId,
    model: request.model,
    routingKey: request.routingKey,
    features: request.features,
    timestamp: request.timestamp,
    rolloutId,
    routedAt: routing.routedAt,
    variant,
    role,
    served,
    dispatch: routing.dispatch,
    segment: routing.segment,
  };
}

/** The answer of an assignment: who serves the request, and which shadows get copies. */
export interface AssignAnswer {
  readonly requestId: string;
  readonly model: string;
  readonly variant: string;
  readonly role: string;
  readonly rolloutId: string | null;
  readonly shadows: readonly string[];
  /**
   * The request's segment, from the feature the rollout's policy names (`segments.feature`);
   * null when it names none or the request lacks it. A caller that publishes the Prediction
   * copies it there, as the model workers do.
   */
  readonly segment: string | null;
}

/** The answer for the records {@link routeRequest} made for one request (served record first). */
export function answerOf(records: readonly RoutedRequest[]): AssignAnswer {
  const [served, ...shadows] = records;
  if (served === undefined) throw new Error('a routed request has at least its served record');
  return {
    requestId: served.requestId,
    model: served.model,
    variant: served.variant,
    role: served.role,
    rolloutId: served.rolloutId,
    shadows: shadows.map((shadow) => shadow.variant),
    segment: served.segment,
  };
}
