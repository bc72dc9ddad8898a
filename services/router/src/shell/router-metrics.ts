import { metricFactory, type Registry } from '@kanary/observability';
import type { RoutedRequest } from '@kanary/contracts';
import type { CommandResult } from '../core/command-batch.js';
import type { RolloutBook } from '@kanary/rollout';

/** Seconds from a command's `issuedAt` to its commit; spans a prompt apply and a slow issuer. */
const APPLY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The router's Prometheus metrics. */
export function routerMetrics(registry: Registry) {
  const m = metricFactory(registry);
  const routed = m.counter(
    'kanary_routed_total',
    'Routed records published (served and shadow copies)',
    ['model', 'variant', 'role', 'ingress'],
  );
  const unknownModel = m.counter(
    'kanary_router_unknown_model_total',
    'Requests for a model with no rollout state and no default variant (dead-lettered or 404)',
    ['ingress'],
  );
  const commands = m.counter('kanary_commands_total', 'Rollout commands handled, by outcome', [
    'outcome',
    'action',
  ]);
  const applySeconds = m.histogram(
    'kanary_command_apply_seconds',
    'Time from a command being issued to its outcome committing on rollout.state',
    [],
    APPLY_BUCKETS,
  );
  const canaryWeight = m.gauge(
    'kanary_rollout_canary_weight',
    "Canary share of each model's rollout in this instance's routing table",
    ['model'],
  );
  const assignRetries = m.counter(
    'kanary_router_assign_retries_total',
    'POST /v1/assign with a requestId assigned within the retry window: answered from memory, or refused for another model or routing key',
    ['outcome'],
  );
  const assignProduces = m.histogram(
    'kanary_router_assign_produce_records',
    'Routed records per produce of the HTTP API (concurrent assignments share one)',
    [],
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024],
  );
  const assignOverloads = m.counter(
    'kanary_router_assign_overloaded_total',
    'Assignments refused with 503 because ROUTER_ASSIGN_MAX_PENDING records were waiting to be produced',
  );
  const invalidStates = m.counter(
    'kanary_router_invalid_states_total',
    'rollout.state records that failed decoding or validation and were skipped',
  );
  return {
    /** Counts records as published (a batch at a time); `ingress` is `kafka` or `http`. */
    routed(records: readonly RoutedRequest[], ingress: 'kafka' | 'http'): void {
      // One increment per label set: prom-client hashes the labels on every `inc`.
      const counts = new Map<string, { record: RoutedRequest; n: number }>();
      for (const r of records) {
        const key = `${r.model}\u0000${r.variant}\u0000${r.role}`;
        const count = counts.get(key);
        if (count === undefined) counts.set(key, { record: r, n: 1 });
        else count.n += 1;
      }
      for (const { record: r, n } of counts.values()) {
        routed.inc({ model: r.model, variant: r.variant, role: r.role, ingress }, n);
      }
    },
    unknownModel(ingress: 'kafka' | 'http'): void {
      unknownModel.inc({ ingress });
    },
    /** Counts committed command outcomes and their issue-to-commit latency. */
    commands(results: readonly CommandResult[], committedAt: number): void {
      for (const { command, result } of results) {
        commands.inc({ outcome: result.outcome, action: command.action });
        if (result.outcome !== 'DUPLICATE') {
          applySeconds.observe(Math.max(0, committedAt - command.issuedAt) / 1_000);
        }
      }
    },
    /** A retried assign: `answered` with the first answer, or `conflict` (409). */
    assignRetry(outcome: 'answered' | 'conflict'): void {
      assignRetries.inc({ outcome });
    },
    /** One produce of the HTTP API's routed records. */
    assignProduced(records: number): void {
      assignProduces.observe(records);
    },
    assignOverloaded(): void {
      assignOverloads.inc();
    },
    invalidState(): void {
      invalidStates.inc();
    },
    /** Keeps the canary-weight gauge equal to the book's states. */
    follow(book: RolloutBook): () => void {
      return book.subscribe(({ model, state }) => {
        if (state === undefined) canaryWeight.remove({ model });
        else canaryWeight.set({ model }, state.canaryWeight);
      });
    },
  };
}
export type RouterMetrics = ReturnType<typeof routerMetrics>;
