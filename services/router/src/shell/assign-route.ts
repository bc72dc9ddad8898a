import type { InferenceRequest } from '@kanary/contracts';
import type { FastifyInstance } from 'fastify';
import { describeIssues } from '../core/describe-issues.js';
import { assignRequestSchema } from '../core/http-schemas.js';
import { routeRequest } from '../core/route-request.js';
import type { HttpApiDeps } from './http-api-deps.js';

/**
 * `POST /v1/assign` — for platforms whose inference is synchronous: the caller asks which variant
 * serves this request (like a feature flag), the router records the assignment on
 * `inference.routed` (served record plus shadow copies, for the model workers and the evaluator)
 * and answers once it is durable.
 */
export function registerAssignRoute(app: FastifyInstance, deps: HttpApiDeps): void {
  app.post('/v1/assign', async (request, reply) => {
    if (!deps.isReady()) {
      return reply
        .code(503)
        .send({ error: 'not_ready', message: 'the router is still restoring rollout state' });
    }
    if (request.body === undefined || request.body === null) {
      return reply
        .code(400)
        .send({ error: 'bad_request', message: 'the body must be a JSON object' });
    }
    const parsed = assignRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'bad_request', message: describeIssues(parsed.error) });
    }
    const body = parsed.data;
    const now = deps.clock();
    const inference: InferenceRequest = {
      requestId: body.requestId ?? deps.newId(),
      model: body.model,
      routingKey: body.routingKey ?? null,
      features: JSON.stringify(body.features ?? {}),
      timestamp: now,
    };
    const outcome = routeRequest(deps.book.table, inference, now);
    if (outcome.kind === 'unknown-model') {
      deps.metrics.unknownModel('http');
      return reply.code(404).send({ error: 'unknown_model', message: outcome.reason });
    }
    await deps.publisher.routed(outcome.records);
    deps.metrics.routed(outcome.records, 'http');
    const [served, ...shadows] = outcome.records;
    return {
      requestId: inference.requestId,
      model: inference.model,
      variant: served!.variant,
      role: served!.role,
      rolloutId: served!.rolloutId,
      shadows: shadows.map((shadow) => shadow.variant),
    };
  });
}
