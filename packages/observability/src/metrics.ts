import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * A Prometheus registry for one service, with the process metrics and a `service` label on
 * everything. Metric names use the `kanary_` prefix.
 */
export function createMetricsRegistry(
  service: string,
  options: { processMetrics?: boolean } = {},
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'kanary_process_' });
  return registry;
}

/** Shorthands that create metrics already registered in `registry`. */
export function metricFactory(registry: Registry) {
  return {
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] }),
    gauge: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers: [registry] }),
    histogram: <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[] = [],
      buckets?: number[],
    ) =>
      new Histogram<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        ...(buckets ? { buckets } : {}),
      }),
  };
}
export type MetricFactory = ReturnType<typeof metricFactory>;
