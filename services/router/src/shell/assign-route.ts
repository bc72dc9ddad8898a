import type { InferenceRequest, RoutedRequest } from '@kanary/contracts';
import { GroupCommitFullError } from '@kanary/kafka';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '@kanary/rollout';
import {
  assignRequestSchema,
  type AssignAnswer,
  type AssignRequest,
} from '../core/http-schemas.js';
import { answerOf, routeRequest } from '@kanary/rollout';
import type { HttpApiDeps } from './http-api-deps.js';

/** Most requests one `POST /v1/assign/batch` may carry. */
export const MAX_ASSIGN_BATCH = 1_000;

const batchRequestSchema = z
  .object({ requests: z.array(z.unknown()).min(1).max(MAX_ASSIGN_BATCH) })
  .strict();

type Assigned = { readonly kind: 'assigned'; readonly answer: AssignAnswer };
type Refused = {
  readonly kind: 'refused';
  readonly status: 400 | 404 | 409;
  readonly body: { readonly error: string; readonly message: string };
};
type Outcome = Assigned | Refused;

/**
 * `POST /v1/assign` — for platforms whose inference is synchronous: the caller asks which variant
 * serves this request (like a feature flag), the router records the assignment on
 * `inference.routed` (served record plus shadow copies, for the model workers and the evaluator)
 * and answers once it is durable. Concurrent assignments share one produce (group commit, see
 * `RecordPublisher`); when too many records wait for it, 503 with `Retry-After`. A retry with
 * the same requestId within the retry window gets the first answer and records nothing (see
 * {@link assignAll}).
 *
 * `POST /v1/assign/batch` — `{requests: [...]}`, up to {@link MAX_ASSIGN_BATCH} assign bodies
 * recorded in one produce; answers `{assignments: [...]}` in the same order, each an answer with
 * `status: 200` or `{status, error, message}` for that request alone (400, 404, 409).
 */
export function registerAssignRoute(app: FastifyInstance, deps: HttpApiDeps): void {
  app.post('/v1/assign', async (request, reply) => {
    if (!ready(deps, reply)) return reply;
    const body = objectBody(request.body, reply);
    if (body === undefined) return reply;
    const parsed = assignRequestSchema.safeParse(body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'bad_request', message: describeIssues(parsed.error) });
    }
    const outcomes = await recordOrRefuse([parsed.data], deps, reply);
    if (outcomes === undefined) return reply;
    const [outcome] = outcomes;
    return outcome!.kind === 'assigned'
      ? outcome!.answer
      : reply.code(outcome!.status).send(outcome!.body);
  });

  app.post('/v1/assign/batch', async (request, reply) => {
    if (!ready(deps, reply)) return reply;
    const body = objectBody(request.body, reply);
    if (body === undefined) return reply;
    const batch = batchRequestSchema.safeParse(body);
    if (!batch.success) {
      return reply.code(400).send({ error: 'bad_request', message: describeIssues(batch.error) });
    }
    const items = batch.data.requests.map((item) => assignRequestSchema.safeParse(item));
    const valid = items.flatMap((item) => (item.success ? [item.data] : []));
    const recorded = await recordOrRefuse(valid, deps, reply);
    if (recorded === undefined) return reply;
    let next = 0;
    const assignments = items.map((item) => {
      if (!item.success) {
        return { status: 400, error: 'bad_request', message: describeIssues(item.error) };
      }
      const outcome = recorded[next++]!;
      return outcome.kind === 'assigned'
        ? { status: 200, ...outcome.answer }
        : { status: outcome.status, ...outcome.body };
    });
    return { assignments };
  });
}

function ready(deps: HttpApiDeps, reply: FastifyReply): boolean {
  if (deps.isReady()) return true;
  void reply
    .code(503)
    .send({ error: 'not_ready', message: 'the router is still restoring rollout state' });
  return false;
}

function objectBody(body: unknown, reply: FastifyReply): unknown {
  if (body === undefined || body === null) {
    void reply.code(400).send({ error: 'bad_request', message: 'the body must be a JSON object' });
    return undefined;
  }
  return body;
}

/**
 * {@link assignAll}, with back-pressure answered: undefined once a 503 with `Retry-After` was
 * sent because too many routed records wait to be produced.
 */
async function recordOrRefuse(
  bodies: readonly AssignRequest[],
  deps: HttpApiDeps,
  reply: FastifyReply,
): Promise<Outcome[] | undefined> {
  try {
    return await assignAll(bodies, deps);
  } catch (error) {
    if (!(error instanceof GroupCommitFullError)) throw error;
    deps.metrics.assignOverloaded();
    void reply
      .code(503)
      .header('retry-after', '1')
      .send({
        error: 'overloaded',
        message: `too many assignments are waiting to be recorded (${error.message}); retry shortly`,
      });
    return undefined;
  }
}

/**
 * Routes the requests and records them in one produce, or — for a requestId assigned by this
 * instance within the retry window for the same model and routing key (earlier in the same batch
 * too) — answers as the first time without recording anything (a retry that arrives while the
 * first is still being recorded waits for it). The same requestId for another model or routing
 * key is refused with 409, an unknown model with 404. A failed recording is forgotten, so the
 * caller's retry routes anew; it fails the whole call.
 */
async function assignAll(bodies: readonly AssignRequest[], deps: HttpApiDeps): Promise<Outcome[]> {
  const now = deps.clock();
  let settle!: (write: Promise<void>) => void;
  const recorded = new Promise<void>((resolve, reject) => {
    settle = (write) => {
      write.then(resolve, reject);
    };
  });
  const outcomes: Array<Outcome | Promise<Outcome>> = [];
  const records: RoutedRequest[] = [];
  const remembered: Array<{ requestId: string; answer: Promise<AssignAnswer> }> = [];
  for (const body of bodies) {
    const key = { model: body.model, routingKey: body.routingKey ?? null };
    const { requestId } = body;
    if (requestId !== undefined) {
      const earlier = deps.recentAssignments.lookup(requestId, key, now);
      if (earlier.kind === 'conflict') {
        deps.metrics.assignRetry('conflict');
        outcomes.push({
          kind: 'refused',
          status: 409,
          body: { error: 'conflict', message: earlier.message },
        });
        continue;
      }
      if (earlier.kind === 'retry') {
        deps.metrics.assignRetry('answered');
        outcomes.push(earlier.answer.then((answer) => ({ kind: 'assigned', answer })));
        continue;
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
    const routed = routeRequest(deps.book.table, inference, now, 'CALLER');
    if (routed.kind === 'unknown-model') {
      deps.metrics.unknownModel('http');
      outcomes.push({
        kind: 'refused',
        status: 404,
        body: { error: 'unknown_model', message: routed.reason },
      });
      continue;
    }
    const answer = answerOf(routed.records);
    records.push(...routed.records);
    outcomes.push({ kind: 'assigned', answer });
    if (requestId !== undefined) {
      const answered = recorded.then(() => answer);
      // Awaited by retries, if any; the caller awaits `recorded` itself.
      answered.catch(() => undefined);
      deps.recentAssignments.remember(requestId, key, answered, now);
      remembered.push({ requestId, answer: answered });
    }
  }
  settle(records.length > 0 ? deps.publisher.routed(records) : Promise.resolve());
  try {
    await recorded;
  } catch (error) {
    for (const { requestId, answer } of remembered) {
      deps.recentAssignments.forget(requestId, answer);
    }
    throw error;
  }
  if (records.length > 0) deps.metrics.routed(records, 'http');
  return Promise.all(outcomes);
}
