import type { InferenceRequest } from '@kanary/contracts';
import type { FastifyInstance } from 'fastify';
import { describeIssues } from '../core/describe-issues.js';
import {
  assignRequestSchema,
  type AssignAnswer,
  type AssignRequest,
} from '../core/http-schemas.js';
import { routeRequest } from '../core/route-request.js';
import type { HttpApiDeps } from './http-api-deps.js';

type Assigned = { readonly kind: 'assigned'; readonly answer: AssignAnswer };
type Refused = { readonly kind: 'refused'; readonly status: 404 | 409; readonly body: object };

/**
 * `POST /v1/assign` — for platforms whose inference is synchronous: the caller asks which variant
 * serves this request (like a feature flag), the router records the assignment on
 * `inference.routed` (served record plus shadow copies, for the model workers and the evaluator)
 * and answers once it is durable. A retry with the same requestId within the retry window gets
 * the first answer and records nothing (see {@link assign}).
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
    const outcome = await assign(parsed.data, deps);
    return outcome.kind === 'assigned'
      ? outcome.answer
      : reply.code(outcome.status).send(outcome.body);
  });
}

/**
 * Routes and records the request, or — when the caller's requestId was assigned by this
 * instance within the retry window for the same model and routing key — answers as the first
 * time without recording anything (a retry that arrives while the first is still being recorded
 * waits for it). The same requestId for another model or routing key is refused with 409. A
 * failed recording is forgotten, so the caller's retry routes anew.
 */
async function assign(body: AssignRequest, deps: HttpApiDeps): Promise<Assigned | Refused> {
  const now = deps.clock();
  const key = { model: body.model, routingKey: body.routingKey ?? null };
  const { requestId } = body;
  if (requestId !== undefined) {
    const earlier = deps.recentAssignments.lookup(requestId, key, now);
    if (earlier.kind === 'conflict') {
      deps.metrics.assignRetry('conflict');
      return {
        kind: 'refused',
        status: 409,
        body: { error: 'conflict', message: earlier.message },
      };
    }
    if (earlier.kind === 'retry') {
      const answer = await earlier.answer;
      deps.metrics.assignRetry('answered');
      return { kind: 'assigned', answer };
    }
  }
  const inference: InferenceRequest = {
    requestId: requestId ?? deps.newId(),
    model: body.model,
    routingKey: key.routingKey,
    features: body.features ?? '{}',
    timestamp: now,
  };
  // The caller serves the request itself and publishes its Prediction: no model worker answers.
  const outcome = routeRequest(deps.book.table, inference, now, 'CALLER');
  if (outcome.kind === 'unknown-model') {
    deps.metrics.unknownModel('http');
    return {
      kind: 'refused',
      status: 404,
      body: { error: 'unknown_model', message: outcome.reason },
    };
  }
  const [served, ...shadows] = outcome.records;
  const answer: AssignAnswer = {
    requestId: inference.requestId,
    model: inference.model,
    variant: served!.variant,
    role: served!.role,
    rolloutId: served!.rolloutId,
    shadows: shadows.map((shadow) => shadow.variant),
  };
  const recorded = deps.publisher.routed(outcome.records).then(() => answer);
  if (requestId !== undefined) deps.recentAssignments.remember(requestId, key, recorded, now);
  try {
    await recorded;
  } catch (error) {
    if (requestId !== undefined) deps.recentAssignments.forget(requestId, recorded);
    throw error;
  }
  deps.metrics.routed(outcome.records, 'http');
  return { kind: 'assigned', answer };
}
