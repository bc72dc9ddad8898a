import type { ServerResponse } from 'node:http';

/** Comment lines keep idle connections open through proxies that close silent ones. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events to the open pages: one `change` event (data: a version number) whenever
 * the rollouts changed, at most once per `intervalMs` however many records arrive, so a busy
 * topic cannot flood browsers. Pages re-fetch what they show; the events carry no data of
 * their own, so a missed event costs nothing but a later refresh.
 */
export class LiveUpdates {
  private readonly clients = new Set<ServerResponse>();
  private version = 0;
  private pending: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly onClients: (count: number) => void = () => undefined,
  ) {
    this.keepalive = setInterval(() => {
      for (const client of this.clients) client.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Takes over a response as an event stream until the client goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\nevent: hello\ndata: ${this.version}\n\n`);
    this.clients.add(res);
    this.onClients(this.clients.size);
    res.on('close', () => {
      this.clients.delete(res);
      this.onClients(this.clients.size);
    });
  }

  /** Something changed: tell every page, now or at the end of the current interval. */
  changed(): void {
    this.version += 1;
    if (this.pending !== undefined) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastSent = Date.now();
      for (const client of this.clients) client.write(`event: change\ndata: ${this.version}\n\n`);
    }, wait);
  }

  /** Ends every stream (browsers reconnect to the next instance). */
  close(): void {
    clearInterval(this.keepalive);
    clearTimeout(this.pending);
    this.pending = undefined;
    for (const client of this.clients) client.end();
    this.clients.clear();
    this.onClients(0);
  }
}
