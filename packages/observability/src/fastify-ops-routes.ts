import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * `/metrics` (Prometheus text), `/healthz` and `/readyz` on a service's own fastify server, for
 * services that serve HTTP anyway (the others use {@link startOpsServer}).
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  options: { registry: Registry; live: () => boolean; ready: () => boolean },
): void {
  app.get('/healthz', (_request, reply) =>
    options.live() ? reply.send('ok\n') : reply.code(503).send('unhealthy\n'),
  );
  app.get('/readyz', (_request, reply) =>
    options.ready() ? reply.send('ready\n') : reply.code(503).send('not ready\n'),
  );
  app.get('/metrics', async (_request, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  );
}
