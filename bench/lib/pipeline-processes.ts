/**
 * The pipeline's services as processes on a run's topics, as `kanary demo` runs them: any number
 * of routers, model workers and evaluators (each instance with its own id and ops port), and
 * optionally the decision service. Both model variants are simulated.
 */
import { join } from 'node:path';
import { ServiceProcess } from '@kanary/cli/service-process';
import { freePort } from '@kanary/testkit';
import { CANARY_VARIANT, MODEL, STABLE_VARIANT } from './records.js';
import type { BenchTopics } from './stack.js';

export interface PipelineShape {
  readonly routers: number;
  readonly workers: number;
  readonly evaluators: number;
  readonly decision: boolean;
  /** Accuracy of the simulated stable and canary models. */
  readonly accuracy: { readonly stable: number; readonly canary: number };
  /** Constant latency of both simulated models, ms. */
  readonly latencyMs: number;
  /** Extra environment for every service. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts the services of `shape` and waits until every one is ready (stopping all if one is not). */
export async function startPipeline(
  topics: BenchTopics,
  logDir: string,
  shape: PipelineShape,
): Promise<ServiceProcess[]> {
  const sim = (accuracy: number) => ({
    kind: 'sim',
    accuracy,
    classes: ['a', 'b'],
    latency: { constantMs: shape.latencyMs },
  });
  const common = {
    ...topics.env,
    LOG_LEVEL: 'warn',
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_DEFAULT_VARIANTS: `${MODEL}=${STABLE_VARIANT}`,
    WORKER_VARIANTS: JSON.stringify({
      [STABLE_VARIANT]: sim(shape.accuracy.stable),
      [CANARY_VARIANT]: sim(shape.accuracy.canary),
    }),
    EVALUATOR_METRICS_INTERVAL_MS: '2000',
    DECISION_INTERVAL_MS: '1000',
    DECISION_OPS_HOST: '127.0.0.1',
    ...shape.env,
  };
  const ready = (port: number) => `http://127.0.0.1:${port}/readyz`;
  const processes: ServiceProcess[] = [];
  const add = async (service: string, count: number, portVariable: string) => {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      processes.push(
        new ServiceProcess(
          service,
          { ...common, KANARY_INSTANCE_ID: `${service}-${i}`, [portVariable]: String(port) },
          ready(port),
          join(logDir, `${service}-${i}.log`),
        ),
      );
    }
  };
  await add('router', shape.routers, 'ROUTER_HTTP_PORT');
  await add('model-worker', shape.workers, 'OPS_PORT');
  await add('evaluator', shape.evaluators, 'OPS_PORT');
  if (shape.decision) await add('decision', 1, 'DECISION_OPS_PORT');
  try {
    await Promise.all(processes.map((p) => p.waitReady(180_000)));
  } catch (e) {
    await Promise.all(processes.map((p) => p.stop()));
    throw e;
  }
  return processes;
}
