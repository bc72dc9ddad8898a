import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  host?: string;
  registry: Registry;
  /** Liveness: false means "restart me". @default always live */
  live?: () => boolean;
  /** Readiness: false means "do not send me work yet" (for example while restoring state). */
  ready: () => boolean;
  /** Extra routes (method + path exact match). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
}

export interface OpsServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** `/metrics` (Prometheus text), `/healthz` and `/readyz` for a Kanary service. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const extra = options.routes?.[`${req.method} ${path}`];
    if (extra) {
      Promise.resolve(extra(req, res)).catch((e: unknown) => send(500, String(e)));
      return;
    }
    if (req.method !== 'GET') return send(405, 'method not allowed\n');
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => send(200, text, options.registry.contentType))
        .catch((e: unknown) => send(500, String(e)));
      return;
    }
    if (path === '/healthz')
      return (options.live?.() ?? true) ? send(200, 'ok\n') : send(503, 'unhealthy\n');
    if (path === '/readyz')
      return options.ready() ? send(200, 'ready\n') : send(503, 'not ready\n');
    send(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
