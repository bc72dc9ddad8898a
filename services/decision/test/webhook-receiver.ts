import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@kanary/testkit';

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The exact body text (what a signature covers). */
  readonly body: string;
  /** The body parsed as JSON. */
  readonly json: Record<string, unknown>;
}

/**
 * How a path answers its n-th request (1-based): a status, or `hang` (never answer; the request
 * stays open until the receiver stops).
 */
export type Answer = (n: number, request: ReceivedRequest) => number | 'hang';

/** A local webhook receiver on node:http: per-path answers, every request recorded. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string;
  /** Requests received on a path, in arrival order. */
  requests(path: string): ReceivedRequest[];
  /** Requests on a path still waiting for an answer (hanging). */
  open(path: string): number;
  /** Waits until the path's requests satisfy `done`; resolves with them. */
  waitFor(
    path: string,
    done: (requests: ReceivedRequest[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function webhookReceiver(answers: Record<string, Answer>): Promise<WebhookReceiver> {
  const received = new Map<string, ReceivedRequest[]>();
  const hanging = new Map<string, Set<ServerResponse>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // Recorded as is; the test's assertions on `json` fail.
      }
      const request: ReceivedRequest = { path, headers: req.headers, body, json };
      const list = received.get(path) ?? [];
      list.push(request);
      received.set(path, list);
      const answer = answers[path]?.(list.length, request) ?? 404;
      if (answer === 'hang') {
        const open = hanging.get(path) ?? new Set();
        open.add(res);
        hanging.set(path, open);
        res.on('close', () => open.delete(res));
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(String(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const requests = (path: string) => [...(received.get(path) ?? [])];
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    open: (path) => hanging.get(path)?.size ?? 0,
    waitFor: (path, done, timeoutMs = 60_000) =>
      waitFor(() => (done(requests(path)) ? requests(path) : undefined), {
        timeoutMs,
        description: () =>
          `requests on ${path} (got ${requests(path)
            .map((r) => `${String(r.json.type)} ${String(r.json.id)}`)
            .join(', ')})`,
      }),
    close: async () => {
      for (const open of hanging.values()) for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
