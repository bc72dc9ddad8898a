export {
  createLogger,
  redactSecrets,
  REDACTED_PATHS,
  type Logger,
  type LoggerConfig,
} from './logger.js';
export {
  createMetricsRegistry,
  metricFactory,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type MetricFactory,
} from './metrics.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops-server.js';
export { registerOpsRoutes } from './fastify-ops-routes.js';
export {
  bearerTokenCheck,
  operatorAuthHook,
  type AuthReply,
  type AuthRequest,
  type BearerCheck,
} from './bearer-token.js';
