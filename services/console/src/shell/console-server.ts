import {
  operatorAuthHook,
  registerOpsRoutes,
  type Logger,
  type Registry,
} from '@kanary/observability';
import { OperatorVerb } from '@kanary/rollout';
import type { RolloutHistory, RolloutRecord, RolloutView } from '@kanary/rollout-client';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { escapeHtml } from '@kanary/charts';
import { evidenceJson } from '../core/evidence-json.js';
import { evidenceSeries } from '../core/evidence-series.js';
import { page } from '../core/page.js';
import { rolloutFragment, rolloutPage, type RolloutPageData } from '../core/rollout-page.js';
import { summarise, type EvidenceReading, type RolloutSummary } from '../core/rollout-summary.js';
import { rolloutsFragment, rolloutsPage } from '../core/rollouts-page.js';
import type { ConsoleMetrics } from './console-metrics.js';
import type { LiveUpdates } from './live-updates.js';
import type { OperatorActions } from './operator-actions.js';

export interface ConsoleServerDeps {
  readonly history: RolloutHistory;
  readonly view: RolloutView;
  readonly actions: OperatorActions;
  readonly live: LiveUpdates;
  readonly registry: Registry;
  readonly metrics: ConsoleMetrics;
  readonly logger: Logger;
  readonly operatorToken: string | undefined;
  /** Time slots per arm in the charts and the JSON series at most. */
  readonly chartPoints: number;
  readonly clock: () => number;
  isReady(): boolean;
  isLive(): boolean;
}

const actionBody = z
  .object({
    rolloutId: z.string().min(1).max(256).optional(),
    reason: z.string().max(1_000).optional(),
    /** Who acts, recorded as the command's actor (the approver of an approve). */
    by: z.string().trim().min(1).max(64).optional(),
    /** The candidate of an A/B/n rollout the action is about. */
    canary: z.string().min(1).max(256).optional(),
  })
  .strict();

type FragmentQuery = { Querystring: { fragment?: string } };

/**
 * The console's HTTP server: HTML pages rendered on the server (`?fragment=1` returns only the
 * live part, which the page's script swaps in on every server-sent `change` event), a JSON API
 * with the same data, the operator actions, and `/metrics`, `/healthz`, `/readyz`. fastify's
 * request logging is off: action requests carry the operator token.
 */
export function buildConsoleServer(deps: ConsoleServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16_384 });
  const operatorEnabled = deps.operatorToken !== undefined;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: error.code ?? 'bad_request', message: error.message });
    }
    deps.logger.error(
      {
        event: 'console.http_error',
        method: request.method,
        url: request.routeOptions.url,
        err: error,
      },
      'request failed',
    );
    return reply.code(503).send({
      error: 'unavailable',
      message: 'Kafka or the schema registry is unavailable; retry later',
    });
  });

  // Per-arm numbers come from the merged evidence of every source partition, read on request.
  const evidence = (): EvidenceReading => ({
    book: deps.view.evidence,
    low: deps.view.evidence.progress().low,
  });
  const summaries = (): RolloutSummary[] => {
    const reading = evidence();
    return deps.history.list().map((r) => summarise(r, deps.view.states.get(r.model), reading));
  };
  const pageData = (record: RolloutRecord, reading = evidence()): RolloutPageData => ({
    record,
    summary: summarise(record, deps.view.states.get(record.model), reading),
    series: evidenceSeries(reading.book.buckets(record.rolloutId), {
      low: reading.low,
      maxSlots: deps.chartPoints,
    }),
  });
  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(body);
  const notFound = (reply: FastifyReply, what: string) =>
    html(
      reply,
      page({ title: 'Not found', live: `<p>${escapeHtml(what)} <a href="/">All rollouts</a></p>` }),
      404,
    );

  app.get<FragmentQuery>('/', (request, reply) => {
    const list = summaries();
    return html(reply, request.query.fragment ? rolloutsFragment(list) : rolloutsPage(list));
  });

  app.get<{ Params: { rolloutId: string } } & FragmentQuery>(
    '/rollouts/:rolloutId',
    (request, reply) => {
      const record = deps.history.get(request.params.rolloutId);
      if (record === undefined)
        return notFound(reply, `No rollout ${request.params.rolloutId} is known.`);
      const data = pageData(record);
      const options = { now: deps.clock(), operatorEnabled };
      return html(
        reply,
        request.query.fragment ? rolloutFragment(data, options) : rolloutPage(data, options),
      );
    },
  );

  app.get<{ Params: { model: string } }>('/models/:model', (request, reply) => {
    const state = deps.view.states.get(request.params.model);
    if (state === undefined)
      return notFound(reply, `No rollout was ever started for model ${request.params.model}.`);
    return reply.redirect(`/rollouts/${encodeURIComponent(state.rolloutId)}`);
  });

  app.get('/api/rollouts', () => ({ rollouts: summaries() }));

  app.get<{ Params: { rolloutId: string } }>('/api/rollouts/:rolloutId', (request, reply) => {
    const record = deps.history.get(request.params.rolloutId);
    if (record === undefined) {
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no rollout ${request.params.rolloutId}` });
    }
    const progress = deps.view.evidence.progress();
    const { summary, series } = pageData(record, { book: deps.view.evidence, low: progress.low });
    return {
      rollout: summary,
      states: record.states,
      decisions: record.decisions,
      // The console no longer follows the per-instance snapshots: kept, empty, for old readers.
      metrics: record.metrics,
      evidence: evidenceJson(progress, series),
    };
  });

  app.get('/events', (_request, reply) => {
    reply.hijack();
    deps.live.attach(reply.raw);
  });

  const operator = {
    preHandler: operatorAuthHook({
      token: deps.operatorToken,
      variable: 'CONSOLE_OPERATOR_TOKEN',
      realm: 'kanary-console',
    }),
  };
  for (const verb of Object.keys(OperatorVerb) as OperatorVerb[]) {
    app.post<{ Params: { model: string } }>(
      `/api/models/:model/${verb}`,
      operator,
      async (request, reply) => {
        const body = actionBody.safeParse(request.body ?? {});
        if (!body.success) {
          return reply.code(400).send({
            error: 'bad_request',
            message: body.error.issues
              .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
              .join('; '),
          });
        }
        if (!deps.isReady()) {
          return reply.code(503).send({
            error: 'not_ready',
            message: 'the console is still reading the rollout topics',
          });
        }
        const result = await deps.actions.perform({
          model: request.params.model,
          verb,
          ...body.data,
        });
        deps.metrics.action(verb, result.outcome);
        return reply.code(result.status).send(result);
      },
    );
  }

  registerOpsRoutes(app, { registry: deps.registry, live: deps.isLive, ready: deps.isReady });
  return app;
}
