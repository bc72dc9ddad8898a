import type { InferenceRequest, RoutedRequest } from '@kanary/contracts';
import { assign, type RoutingTable } from '@kanary/rollout';

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
 * copy per shadow variant. A model with neither a rollout state nor a default variant is
 * `unknown-model`, with a reason for the dead-letter record.
 */
export function routeRequest(
  table: RoutingTable,
  request: InferenceRequest,
  routedAt: number,
): RoutingOutcome {
  const assignment = assign(table, request);
  if (assignment.kind === 'unknown-model') {
    return {
      kind: 'unknown-model',
      model: request.model,
      reason: `model "${request.model}" has no rollout state and no default variant (ROUTER_DEFAULT_VARIANTS)`,
    };
  }
  const base = {
    requestId: request.requestId,
    model: request.model,
    routingKey: request.routingKey,
    features: request.features,
    timestamp: request.timestamp,
    rolloutId: assignment.rolloutId,
    routedAt,
  };
  return {
    kind: 'routed',
    records: [
      { ...base, variant: assignment.served.variant, role: assignment.served.role, served: true },
      ...assignment.shadows.map((shadow) => ({
        ...base,
        variant: shadow.variant,
        role: shadow.role,
        served: false,
      })),
    ],
  };
}
