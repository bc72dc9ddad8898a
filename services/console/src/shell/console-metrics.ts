import { metricFactory, type Registry } from '@kanary/observability';

/** The console's Prometheus metrics. */
export function consoleMetrics(registry: Registry) {
  const m = metricFactory(registry);
  const clients = m.gauge(
    'kanary_console_live_clients',
    'Pages following live updates (open event streams)',
  );
  const actions = m.counter(
    'kanary_console_actions_total',
    'Operator actions taken in the console, by verb and outcome',
    ['verb', 'outcome'],
  );
  const records = m.counter('kanary_console_records_total', 'Rollout records read, by kind', [
    'kind',
  ]);
  return {
    clients(count: number): void {
      clients.set(count);
    },
    action(verb: string, outcome: string): void {
      actions.inc({ verb, outcome });
    },
    record(kind: 'state' | 'decision' | 'metrics'): void {
      records.inc({ kind });
    },
  };
}
export type ConsoleMetrics = ReturnType<typeof consoleMetrics>;
