import type { RolloutCommand, RolloutState } from '@kanary/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeIssues } from '@kanary/rollout';
import {
  commandQuerySchema,
  operatorRequestSchema,
  startRequestSchema,
  weightRequestSchema,
} from '../core/http-schemas.js';
import {
  LifecycleVerb,
  lifecycleCommand,
  startCommand,
  weightCommand,
  type Built,
  type CommandStamp,
} from '../core/operator-commands.js';
import { awaitCommandOutcome } from './command-outcome.js';
import type { HttpApiDeps } from './http-api-deps.js';
import { operatorAuth } from './operator-auth.js';

type ModelRequest = FastifyRequest<{ Params: { model: string } }>;

/**
 * `GET /v1/rollouts[/:model]` and the operator endpoints. Operator calls never change the state
 * themselves: they publish a RolloutCommand (issuedBy OPERATOR, basedOnSeq = the seq this
 * instance sees) and the command applier decides, exactly as for the decision service. They
 * answer 202 with the commandId; `?wait=true` waits for the outcome (200 applied, 409 rejected
 * with the reason, 202 "pending" after ROUTER_COMMAND_WAIT_MS).
 */
export function registerRolloutRoutes(app: FastifyInstance, deps: HttpApiDeps): void {
  const { book } = deps;
  const operator = { preHandler: operatorAuth(deps.operatorToken) };

  app.get('/v1/rollouts', () => ({
    rollouts: book.list(),
    defaultVariants: Object.fromEntries(book.table.defaultVariants),
  }));

  app.get('/v1/rollouts/:model', (request: ModelRequest, reply) => {
    const state = book.get(request.params.model);
    return state ?? noRollout(reply, request.params.model);
  });

  app.post('/v1/rollouts/:model/start', operator, async (request: ModelRequest, reply) => {
    const body = parseBody(reply, startRequestSchema, request.body);
    if (body === undefined || !ready(reply)) return reply;
    const { model } = request.params;
    const built = startCommand(model, body, book.get(model), book.defaultVariant(model), {
      ...stamp(),
      rolloutId: `${model}-${deps.newId().slice(0, 8)}`,
    });
    return submitBuilt(request, reply, built);
  });

  app.post('/v1/rollouts/:model/weight', operator, async (request: ModelRequest, reply) => {
    const body = parseBody(reply, weightRequestSchema, request.body);
    if (body === undefined || !ready(reply)) return reply;
    const state = book.get(request.params.model);
    if (state === undefined) return noRollout(reply, request.params.model);
    return submitBuilt(request, reply, weightCommand(state, body, stamp(), body));
  });

  for (const verb of Object.keys(LifecycleVerb) as LifecycleVerb[]) {
    app.post(`/v1/rollouts/:model/${verb}`, operator, async (request: ModelRequest, reply) => {
      const body = parseBody(reply, operatorRequestSchema, request.body ?? {});
      if (body === undefined || !ready(reply)) return reply;
      const state = book.get(request.params.model);
      if (state === undefined) return noRollout(reply, request.params.model);
      return submitBuilt(request, reply, lifecycleCommand(state, verb, stamp(), body));
    });
  }

  /** Publishes a command that could be built; answers 400 with the reason otherwise. */
  function submitBuilt(request: FastifyRequest, reply: FastifyReply, built: Built) {
    if (!built.ok) return reply.code(400).send({ error: 'bad_request', message: built.message });
    return submit(request, reply, built.command);
  }

  function stamp(): CommandStamp {
    return { commandId: deps.newId(), issuedAt: deps.clock() };
  }

  function ready(reply: FastifyReply): boolean {
    if (deps.isReady()) return true;
    void reply
      .code(503)
      .send({ error: 'not_ready', message: 'the router is still restoring rollout state' });
    return false;
  }

  function noRollout(reply: FastifyReply, model: string): FastifyReply {
    const fallback = book.defaultVariant(model);
    const message =
      fallback === undefined
        ? `unknown model "${model}": it has no rollout and no default variant`
        : `model "${model}" has no rollout; it is served by its default variant "${fallback}"`;
    return reply.code(404).send({ error: 'no_rollout', message });
  }

  async function submit(request: FastifyRequest, reply: FastifyReply, command: RolloutCommand) {
    const query = commandQuerySchema.safeParse(request.query);
    if (!query.success) {
      return reply.code(400).send({ error: 'bad_request', message: describeIssues(query.error) });
    }
    const wait = query.data.wait
      ? awaitCommandOutcome(book, command.model, command.commandId, deps.commandWaitMs)
      : undefined;
    try {
      await deps.publisher.command(command);
    } catch (e) {
      wait?.cancel();
      throw e;
    }
    deps.logger.info(
      {
        event: 'router.operator_command',
        model: command.model,
        rolloutId: command.rolloutId,
        commandId: command.commandId,
        action: command.action,
        basedOnSeq: command.basedOnSeq,
        remote: request.ip,
      },
      `operator ${command.action} published`,
    );
    const accepted = {
      commandId: command.commandId,
      model: command.model,
      rolloutId: command.rolloutId,
      action: command.action,
      basedOnSeq: command.basedOnSeq,
    };
    if (wait === undefined) return reply.code(202).send({ ...accepted, status: 'accepted' });
    const state = await wait.outcome;
    return answerOutcome(reply, accepted, state, deps.commandWaitMs);
  }
}

function answerOutcome(
  reply: FastifyReply,
  accepted: Record<string, unknown>,
  state: RolloutState | undefined,
  waitedMs: number,
): FastifyReply {
  const last = state?.lastCommand;
  if (state === undefined || last === undefined || last === null) {
    return reply.code(202).send({
      ...accepted,
      status: 'pending',
      message: `no outcome within ${waitedMs} ms; watch GET /v1/rollouts/${String(accepted.model)}`,
    });
  }
  if (last.outcome === 'APPLIED')
    return reply.code(200).send({ ...accepted, status: 'applied', state });
  return reply.code(409).send({
    ...accepted,
    status: 'rejected',
    reasonCode: last.reasonCode,
    message: last.message,
    state,
  });
}

/** The parsed body, or undefined after answering 400 with the fields at fault. */
function parseBody<S extends z.ZodTypeAny>(
  reply: FastifyReply,
  schema: S,
  body: unknown,
): z.output<S> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data as z.output<S>;
  const message =
    body === undefined || body === null
      ? 'the body must be a JSON object'
      : describeIssues(parsed.error);
  void reply.code(400).send({ error: 'bad_request', message });
  return undefined;
}
