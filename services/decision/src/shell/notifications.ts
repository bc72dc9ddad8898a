import type { EngineOutput, DecisionEngine } from '@kanary/decision-engine';
import type { RolloutCommand, RolloutState, TopicCatalog } from '@kanary/contracts';
import { DeadLetterCounter } from '@kanary/kafka';
import type { Logger, Registry } from '@kanary/observability';
import type { DecisionConfig } from '../config.js';
import { ConfirmWebhooks } from './confirm-webhooks.js';
import type { DecisionPublisher } from './decision-publisher.js';
import { notificationMetrics } from './notification-metrics.js';
import { Notifier } from './notifier.js';
import type { WebhookTarget } from './webhook-queue.js';

/** What the decision service hands its notifications and confirm webhooks. */
export interface Notifications {
  /** A state read from `rollout.state` (phase changes, approvals). */
  onState(state: RolloutState): void;
  /** A tick's output: its reports are notified, its approval waits ask confirm webhooks. */
  onTick(output: EngineOutput): void;
  /** Restored: state changes from now on are news. */
  goLive(): void;
  /** Aborts deliveries in flight and dead-letters what is left; call before the publisher stops. */
  stop(): Promise<void>;
}

/** The global targets of the configuration, secrets resolved (validated at start-up). */
function globalTargets(config: DecisionConfig['notifications']): WebhookTarget[] {
  return config.targets.map((t) => ({
    name: t.name ?? new URL(t.url).host,
    url: t.url,
    format: t.format,
    secret: t.secret ?? (t.secretName === undefined ? undefined : config.secrets.get(t.secretName)),
    events: t.events,
  }));
}

/**
 * Wires notifications and confirm webhooks to the decision service: undelivered notifications
 * go to the dead-letter topic through the publisher's producer (counted like every dead letter),
 * and an approval a confirm webhook gives is published through `publishCommand`, which runs in
 * the order of the ticks.
 */
export function startNotifications(deps: {
  config: DecisionConfig['notifications'];
  engine: DecisionEngine;
  publisher: DecisionPublisher;
  publishCommand(command: RolloutCommand): Promise<void>;
  topics: TopicCatalog;
  registry: Registry;
  logger: Logger;
  service: string;
  clock(): number;
}): Notifications {
  const { config, engine, publisher, registry, logger, clock } = deps;
  const deadLetters = new DeadLetterCounter(registry);
  // The gauge reads the queues only when scraped, after the notifier exists.
  const metrics = notificationMetrics(registry, () => notifier.depths());
  const notifier = new Notifier({
    global: globalTargets(config),
    secrets: config.secrets,
    delivery: config,
    policyOf: (model) => engine.policyOf(model),
    deadLetter: async (letter) => {
      await publisher.sendDeadLetter(letter);
      deadLetters.count([letter]);
    },
    topics: deps.topics,
    metrics,
    logger,
    service: deps.service,
    clock,
  });
  const confirm = new ConfirmWebhooks({
    secrets: config.secrets,
    publish: deps.publishCommand,
    metrics,
    logger,
    clock,
  });
  return {
    onState: (state) => notifier.onState(state),
    onTick(output) {
      notifier.onReports(output.reports);
      confirm.request(output.awaitingApproval);
    },
    goLive: () => notifier.goLive(),
    async stop() {
      await Promise.allSettled([notifier.stop(), confirm.stop()]);
    },
  };
}
