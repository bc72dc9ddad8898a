import { loadConsoleConfig } from '@kanary/console';
import { loadDecisionConfig } from '@kanary/decision';
import { loadConfig as loadEvaluatorConfig } from '@kanary/evaluator';
import { loadConfig as loadWorkerConfig } from '@kanary/model-worker';
import { loadRouterConfig } from '@kanary/router';

type Env = Record<string, string | undefined>;

/** A long-running Kanary service as deployed: where its code is and how it reads its port. */
export interface DeployedService {
  /** Compose service name, Kubernetes workload name, Dockerfile SERVICE argument. */
  readonly name: string;
  readonly configFile: string;
  /** Loads the service's configuration (throws like the service would) and returns the port of /metrics, /healthz and /readyz. */
  port(env: Env): number;
  /** Variables the service cannot start without, besides the Kafka and registry ones. */
  readonly required: Env;
  /** The port when nothing sets it. */
  readonly defaultPort: number;
}

export const DEPLOYED_SERVICES: readonly DeployedService[] = [
  {
    name: 'router',
    configFile: 'services/router/src/config.ts',
    port: (env) => loadRouterConfig(env).http.port,
    required: {},
    defaultPort: 8080,
  },
  {
    name: 'model-worker',
    configFile: 'services/model-worker/src/config.ts',
    port: (env) => loadWorkerConfig(env).opsPort,
    required: { WORKER_VARIANTS: '{"v1":{"kind":"sim"}}' },
    defaultPort: 9464,
  },
  {
    name: 'evaluator',
    configFile: 'services/evaluator/src/config.ts',
    port: (env) => loadEvaluatorConfig(env).opsPort,
    required: {},
    defaultPort: 9466,
  },
  {
    name: 'decision',
    configFile: 'services/decision/src/config.ts',
    port: (env) => loadDecisionConfig(env).ops.port,
    required: {},
    defaultPort: 9465,
  },
  {
    name: 'console',
    configFile: 'services/console/src/config.ts',
    port: (env) => loadConsoleConfig(env).http.port,
    required: {},
    defaultPort: 8090,
  },
];

/** Kafka and registry settings that pass validation, for loading a configuration alone. */
export const CONNECTION_ENV: Env = {
  KAFKA_BROKERS: 'localhost:19092',
  SCHEMA_REGISTRY_URL: 'http://localhost:18081/apis/ccompat/v7',
};
