import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { RolloutCommand, RoutedRequest } from '@kanary/contracts';
import { createLogger, createMetricsRegistry, type Registry } from '@kanary/observability';
import { applyCommand } from '@kanary/rollout';
import type { FastifyInstance } from 'fastify';
import type { AssignAnswer } from '../core/http-schemas.js';
import { RecentAssignments, type RecentAssignmentsOptions } from '../core/recent-assignments.js';
import { RolloutBook } from '@kanary/rollout';
import { NOW } from '../core/router.fixtures.js';
import { buildHttpApi } from './http-api.js';
import { routerMetrics } from './router-metrics.js';

/** Made per run, like a real one (`openssl rand -hex 16`): fixed values read as placeholders. */
export const TOKEN = randomBytes(16).toString('hex');
export const auth = { authorization: `Bearer ${TOKEN}` };

export interface Harness {
  app: FastifyInstance;
  book: RolloutBook;
  routed: RoutedRequest[];
  commands: RolloutCommand[];
  logs: string[];
  registry: Registry;
}

export interface HarnessOptions {
  ready?: boolean;
  token?: string | null;
  /** Makes the publisher act like the command applier (apply and offer the resulting state). */
  apply?: boolean;
  /** Publishes routed records (default: keeps them in `routed` at once). */
  publishRouted?: (records: readonly RoutedRequest[], routed: RoutedRequest[]) => Promise<void>;
  clock?: () => number;
  /** @default a 60 s window of 100 requestIds */
  retry?: RecentAssignmentsOptions;
  /** The retry window itself (instead of one made from `retry`). */
  recentAssignments?: RecentAssignments<Promise<AssignAnswer>>;
}

const open = new Set<FastifyInstance>();

/** Closes every API a harness built (for `afterEach`). */
export async function closeHarnesses(): Promise<void> {
  const apps = [...open];
  open.clear();
  await Promise.all(apps.map((app) => app.close()));
}

/** The HTTP API over a book and a publisher that records instead of producing. */
export function harness(options: HarnessOptions = {}): Harness {
  const book = new RolloutBook({ weather: 'v1', other: 'o1' });
  const routed: RoutedRequest[] = [];
  const commands: RolloutCommand[] = [];
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const registry = createMetricsRegistry('router', { processMetrics: false });
  const publishRouted =
    options.publishRouted ?? ((records, into) => Promise.resolve(void into.push(...records)));
  let ids = 0;
  const app = buildHttpApi({
    book,
    publisher: {
      routed: (records) => publishRouted(records, routed),
      command: (command) => {
        commands.push(command);
        if (options.apply) {
          const result = applyCommand(book.get(command.model), command, NOW + commands.length);
          if (result.state) setImmediate(() => book.offer(result.state!));
        }
        return Promise.resolve();
      },
    },
    metrics: routerMetrics(registry),
    recentAssignments:
      options.recentAssignments ??
      new RecentAssignments(options.retry ?? { windowMs: 60_000, maxRequests: 100 }),
    registry,
    logger: createLogger({ service: 'router', level: 'debug', pretty: false, destination }),
    operatorToken: options.token === null ? undefined : (options.token ?? TOKEN),
    bodyLimitBytes: 1_024,
    commandWaitMs: 500,
    isReady: () => options.ready ?? true,
    isLive: () => true,
    clock: options.clock ?? (() => NOW),
    newId: () => `id-${++ids}`,
  });
  open.add(app);
  return { app, book, routed, commands, logs, registry };
}

export const post = (app: FastifyInstance, url: string, payload?: unknown, headers = {}) =>
  app.inject({
    method: 'POST',
    url,
    headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(payload === undefined
      ? {}
      : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
