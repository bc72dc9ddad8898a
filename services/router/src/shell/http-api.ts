import { isRetriable } from '@kanary/contracts';
import { registerOpsRoutes } from '@kanary/observability';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerAssignRoute } from './assign-route.js';
import type { HttpApiDeps } from './http-api-deps.js';
import { registerRolloutRoutes } from './rollout-routes.js';

/**
 * The router's HTTP server: the assignment API, the rollout API, and `/metrics`, `/healthz`,
 * `/readyz`. Every error is JSON `{ error, message }`: 4xx for the caller's mistakes (malformed
 * JSON, wrong types, oversized bodies, unknown routes and models), 503 when Kafka or the
 * registry is unavailable. fastify's own request logging is off: requests carry operator
 * tokens, and the router logs what matters itself, through the redacting logger.
 */
export function buildHttpApi(deps: HttpApiDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimitBytes });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({
        error: error.code ?? 'bad_request',
        message:
          status === 413
            ? `the body exceeds the limit of ${deps.bodyLimitBytes} bytes`
            : error.message,
      });
    }
    const unavailable = isRetriable(error) || error.name.startsWith('KafkaJS');
    deps.logger.error(
      {
        event: 'router.http_error',
        method: request.method,
        url: request.routeOptions.url,
        err: error,
      },
      'request failed',
    );
    return reply.code(unavailable ? 503 : 500).send({
      error: unavailable ? 'unavailable' : 'internal',
      message: unavailable
        ? 'Kafka or the schema registry is unavailable; retry later'
        : 'internal error',
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }),
  );

  registerOpsRoutes(app, { registry: deps.registry, live: deps.isLive, ready: deps.isReady });

  registerAssignRoute(app, deps);
  registerRolloutRoutes(app, deps);
  return app;
}
