import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy has seen. */
export interface RegistryProxyStats {
  /** Requests passed on to the registry. */
  forwarded: number;
  /** Requests answered 503 while failing. */
  refused: number;
  /** Requests without the expected basic-auth credentials (answered 401). */
  unauthorized: number;
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A schema registry the test can take down: an HTTP proxy in front of the real one that answers
 * 503 while `failing`, so services see an outage without the shared registry being stopped. It
 * also checks that every request carries the configured basic-auth credentials.
 */
export class RegistryProxy {
  readonly stats: RegistryProxyStats = { forwarded: 0, refused: 0, unauthorized: 0 };
  failing = false;
  private readonly server: Server;

  private constructor(
    private readonly upstream: URL,
    /** The `authorization` header every request must carry, if any. */
    private readonly expected: string | undefined,
  ) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error_code: 50200, message: String(error) }));
      });
    });
  }

  /** Starts a proxy for `target` (a Confluent-compatible base URL) on a free port. */
  static async start(
    target: string,
    credentials?: { username: string; password: string },
  ): Promise<RegistryProxy> {
    const expected =
      credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    const proxy = new RegistryProxy(new URL(target), expected);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxied registry URL, e.g. `http://127.0.0.1:40123/apis/ccompat/v7`. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.upstream.pathname}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const reply = (status: number, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error_code: status * 100, message }));
    };
    if (this.expected !== undefined && request.headers.authorization !== this.expected) {
      this.stats.unauthorized += 1;
      return reply(401, 'missing or wrong credentials');
    }
    if (this.failing) {
      this.stats.refused += 1;
      return reply(503, 'schema registry unavailable (outage simulated by the test)');
    }
    this.stats.forwarded += 1;
    const answer = await fetch(new URL(request.url ?? '/', this.upstream.origin), {
      method: request.method ?? 'GET',
      headers: {
        accept: request.headers.accept ?? '*/*',
        ...(request.headers['content-type']
          ? { 'content-type': request.headers['content-type'] }
          : {}),
      },
      ...(body.length > 0 ? { body } : {}),
    });
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await answer.arrayBuffer()));
  }
}
