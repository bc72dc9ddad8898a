import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEATHER_CLASSES } from '@kanary/models';
import { freePort, waitFor } from '@kanary/testkit';

/** The real Open Inference (V2) servers that scripts/model-servers installs. */
export const ModelServerKind = { MLSERVER: 'mlserver', KSERVE: 'kserve' } as const;
export type ModelServerKind = (typeof ModelServerKind)[keyof typeof ModelServerKind];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KANARY = join(ROOT, '.kanary');
const MODELS_DIR = join(KANARY, 'model-servers', 'models');
const LOGS_DIR = join(KANARY, 'model-servers', 'logs');
const KSERVE_SCRIPT = fileURLToPath(new URL('./model-servers/kserve_weather.py', import.meta.url));
const venv = (kind: ModelServerKind): string => join(KANARY, `venv-${kind}`);

/** The scikit-learn models model-servers/train.py trains; each server serves both. */
export const SERVED_MODELS = ['weather-sk-tree', 'weather-sk-logreg'] as const;

/**
 * WORKER_VARIANTS for the served models on a server at `baseUrl`: one `http` variant per model
 * over KServe v2, `maxRows` rows per call, with the worker's `timeoutMs` and `retry` options;
 * with `scores`, the predictions carry the class probabilities (`predict_proba`) as well.
 */
export function servedModelVariants(
  baseUrl: string,
  options: {
    maxRows: number;
    timeoutMs: number;
    retry?: Record<string, number>;
    scores?: boolean;
  },
): Record<string, unknown> {
  return Object.fromEntries(
    SERVED_MODELS.map((model) => [
      model,
      {
        kind: 'http',
        endpoint: {
          protocol: 'kserve-v2',
          baseUrl,
          modelName: model,
          batch: { maxRows: options.maxRows },
          inputs: [
            {
              name: 'measurements',
              datatype: 'FP32',
              features: ['precipitation', 'temp_max', 'temp_min', 'wind'],
            },
          ],
          ...(options.scores
            ? {
                output: { name: 'predict' },
                // The order of the probability columns, the estimators' classes_ (train.py checks).
                scores: { output: 'predict_proba', classes: WEATHER_CLASSES },
              }
            : {}),
        },
        timeoutMs: options.timeoutMs,
        ...(options.retry ? { retry: options.retry } : {}),
      },
    ]),
  );
}

/**
 * Whether `kind` is installed here (its virtual environment and the trained models), and what a
 * suite that needs it adds to its title when it is not, so that it is reported as skipped with
 * the reason (`describe.skipIf(!available)`), never as passed.
 */
export function modelServerAvailability(kind: ModelServerKind): {
  available: boolean;
  skipped: string;
} {
  const missing = !existsSync(join(venv(kind), '.kanary-requirements.sha256'))
    ? `${venv(kind)} is not installed`
    : !existsSync(MODELS_DIR) ||
        !readdirSync(MODELS_DIR).some((m) => existsSync(join(MODELS_DIR, m, 'model.joblib')))
      ? `no trained models in ${MODELS_DIR}`
      : undefined;
  return missing === undefined
    ? { available: true, skipped: '' }
    : {
        available: false,
        skipped: ` (skipped: ${missing}; \`bash scripts/model-servers\` installs it, as .ci/run does)`,
      };
}

/**
 * A real model server as a child process of the test, serving the models of
 * .kanary/model-servers/models over Open Inference (V2) REST on a free loopback port. It can be
 * killed (SIGKILL: a crash) and started again on the same port. Output goes to
 * .kanary/model-servers/logs/<kind>-<port>.log.
 */
export class ModelServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly kind: ModelServerKind,
    readonly port: number,
    /** MLServer also opens gRPC and metrics ports. */
    private readonly extraPorts: readonly number[],
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return join(LOGS_DIR, `${this.kind}-${this.port}.log`);
  }

  /** Starts a server and waits until `/v2/health/ready` answers 200. */
  static async start(kind: ModelServerKind, readyTimeoutMs = 60_000): Promise<ModelServerProcess> {
    const extra = kind === ModelServerKind.MLSERVER ? [await freePort(), await freePort()] : [];
    const server = new ModelServerProcess(kind, await freePort(), extra);
    await server.restart(readyTimeoutMs);
    return server;
  }

  /** Starts the process again (after {@link kill}) on the same port and waits until it is ready. */
  async restart(readyTimeoutMs = 60_000): Promise<void> {
    if (this.child !== undefined) throw new Error(`${this.kind} is already running`);
    await mkdir(LOGS_DIR, { recursive: true });
    const log = createWriteStream(this.logFile, { flags: 'a' });
    await once(log, 'open');
    const [command, args, env] = this.command();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', log, log],
      // Its own process group, so that kill() reaches any process it forks.
      detached: true,
    });
    this.child = child;
    this.exited = once(child, 'exit').finally(() => {
      log.end();
      if (this.child === child) this.child = undefined;
    });
    await waitFor(
      async () => {
        if (this.child !== child) {
          throw new Error(`${this.kind} exited: ${(await this.logTail()).join(' | ')}`);
        }
        const response = await fetch(`${this.baseUrl}/v2/health/ready`);
        return response.status === 200;
      },
      {
        timeoutMs: readyTimeoutMs,
        intervalMs: 200,
        description: `${this.kind} on port ${this.port} to be ready (log: ${this.logFile})`,
      },
    );
  }

  /** Kills the server's process group, SIGKILL by default (a crash); resolves once it exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
    await this.exited;
  }

  /** Inference calls answered 200 so far, as the server's access log (uvicorn's) records them. */
  async answeredCalls(): Promise<number> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.match(/"POST \/v2\/models\/[^/]+\/infer HTTP\/1\.1" 200/g)?.length ?? 0;
  }

  private command(): [string, string[], Record<string, string>] {
    if (this.kind === ModelServerKind.MLSERVER) {
      const [grpcPort, metricsPort] = this.extraPorts;
      return [
        join(venv(this.kind), 'bin', 'mlserver'),
        ['start', MODELS_DIR],
        {
          MLSERVER_HOST: '127.0.0.1',
          MLSERVER_HTTP_PORT: String(this.port),
          MLSERVER_GRPC_PORT: String(grpcPort),
          MLSERVER_METRICS_PORT: String(metricsPort),
          // Inference in the server's own process: faster start, and one process to kill.
          MLSERVER_PARALLEL_WORKERS: '0',
        },
      ];
    }
    return [
      join(venv(this.kind), 'bin', 'python'),
      // KServe binds its REST port on 0.0.0.0 (not configurable in 0.21); the tests call 127.0.0.1.
      [
        KSERVE_SCRIPT,
        '--models_dir',
        MODELS_DIR,
        '--http_port',
        String(this.port),
        '--enable_grpc',
        'false',
      ],
      {},
    ];
  }

  private async logTail(): Promise<string[]> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-5);
  }
}
