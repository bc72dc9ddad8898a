import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerOpsRoutes } from './fastify-ops-routes.js';
import { createMetricsRegistry, metricFactory } from './metrics.js';

describe('registerOpsRoutes', () => {
  it('serves metrics, liveness and readiness on a fastify server', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    metricFactory(registry).gauge('kanary_test_gauge', 'a gauge').set(7);
    let live = true;
    let ready = false;
    const app = Fastify();
    registerOpsRoutes(app, { registry, live: () => live, ready: () => ready });
    const get = async (url: string) => {
      const r = await app.inject({ method: 'GET', url });
      return [r.statusCode, r.body] as const;
    };
    expect(await get('/healthz')).toEqual([200, 'ok\n']);
    expect(await get('/readyz')).toEqual([503, 'not ready\n']);
    ready = true;
    live = false;
    expect(await get('/readyz')).toEqual([200, 'ready\n']);
    expect(await get('/healthz')).toEqual([503, 'unhealthy\n']);
    expect((await get('/metrics'))[1]).toContain('kanary_test_gauge{service="test"} 7');
    await app.close();
  });
});
