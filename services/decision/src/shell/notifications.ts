import type { EngineOutput, DecisionEngine } from '@kanary/decision-engine';
import type { EventCodec, RolloutCommand, RolloutState, TopicCatalog } from '@kanary/contracts';
import { DeadLetterCounter } from '@kanary/kafka';
import type { Logger, Registry } from '@kanary/observability';
import { parsePolicy, PolicyError, type Policy, type PolicyInput } from '@kanary/rollout';
import type { Kafka } from 'kafkajs';
import type { DecisionConfig } from '../config.js';
import { ConfirmWebhooks } from './confirm-webhooks.js';
import type { DecisionPublisher } from './decision-publisher.js';
import { NotificationFeed } from './notification-feed.js';
import { notificationMetrics } from './notification-metrics.js';
import { Notifier } from './notifier.js';
import type { WebhookTarget } from './webhook-queue.js';

/** What the decision service hands its notifications and confirm webhooks. */
export interface Notifications {
  /** A tick's output: its approval waits ask confirm webhooks (its reports are notified once read back from `rollout.decisions`). */
  onTick(output: EngineOutput): void;
  /** Starts reading `rollout.decisions` and `rollout.state` for the webhooks. */
  start(): Promise<void>;
  /** Aborts deliveries in flight (left uncommitted) and commits what finished; call before the publisher stops. */
  stop(): Promise<void>;
}
/** How often the offsets of notified records are committed, ms. */
const COMMIT_INTERVAL_MS = 1_000;

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
 * Wires notifications and confirm webhooks to the decision service. Notifications are driven by
 * a {@link NotificationFeed} (`rollout.decisions` and `rollout.state`, offsets committed once
 * delivered), so they survive a restart and cover what happened while the service was down;
 * undelivered ones go to the dead-letter topic through the publisher's producer (counted like
 * every dead letter). An approval a confirm webhook gives is published through `publishCommand`,
 * which runs in the order of the ticks.
 */
export function startNotifications(deps: {
  config: DecisionConfig['notifications'];
  defaultPolicy: PolicyInput | undefined;
  engine: DecisionEngine;
  publisher: DecisionPublisher;
  publishCommand(command: RolloutCommand): Promise<void>;
  kafka: Kafka;
  codec: EventCodec;
  groupId: string;
  topics: TopicCatalog;
  registry: Registry;
  logger: Logger;
  service: string;
  clock(): number;
  onFatal(error: Error): void;
}): Notifications {
  const { config, engine, publisher, registry, logger, clock } = deps;
  const deadLetters = new DeadLetterCounter(registry);
  // The gauge reads the queues only when scraped, after the notifier exists.
  const metrics = notificationMetrics(registry, () => notifier.depths());
  // A state record names its own policy, so a rollout's targets hear of its start even before
  // the engine has read it.
  const policyOf = (model: string, state?: RolloutState): Policy | undefined => {
    if (state === undefined) return engine.policyOf(model);
    try {
      return parsePolicy(state.policy, deps.defaultPolicy);
    } catch (err) {
      if (err instanceof PolicyError) return engine.policyOf(model);
      throw err;
    }
  };
  const notifier = new Notifier({
    global: globalTargets(config),
    secrets: config.secrets,
    delivery: config,
    policyOf,
    deadLetter: async (letter) => {
      await publisher.sendDeadLetters([letter]);
      deadLetters.count([letter]);
    },
    topics: deps.topics,
    metrics,
    logger,
    service: deps.service,
    clock,
  });
  const feed = new NotificationFeed({
    kafka: deps.kafka,
    codec: deps.codec,
    topics: deps.topics,
    groupId: deps.groupId,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    logger,
    service: deps.service,
    onReport: (report, source) => notifier.onReport(report, source),
    onState: (state, source) => notifier.onState(state, source),
    deadLetter: async (letters) => {
      await publisher.sendDeadLetters(letters);
      deadLetters.count(letters);
    },
    onFatal: deps.onFatal,
  });
  const confirm = new ConfirmWebhooks({
    secrets: config.secrets,
    publish: deps.publishCommand,
    metrics,
    logger,
    clock,
  });
  return {
    onTick(output) {
      confirm.request(output.awaitingApproval);
    },
    start: () => feed.start(),
    async stop() {
      await Promise.allSettled([notifier.stop(), confirm.stop()]);
      await feed.stop();
    },
  };
}
