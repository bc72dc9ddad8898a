import type { RolloutCommand } from '@kanary/contracts';
import type { RolloutClientContext } from './client-context.js';

/**
 * Publishes one command to `rollout.commands` (key: the model, so one partition holds a model's
 * commands in order) with an idempotent producer, acknowledged by all in-sync replicas. The
 * router decides whether it applies; follow `rollout.state` for the outcome.
 */
export async function publishCommand(
  ctx: Pick<RolloutClientContext, 'kafka' | 'codec' | 'catalog'>,
  command: RolloutCommand,
): Promise<void> {
  const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const value = await ctx.codec.encode(ctx.catalog.commands, command);
    await producer.send({
      topic: ctx.catalog.commands.name,
      messages: [{ key: command.model, value }],
      acks: -1,
    });
  } finally {
    await producer.disconnect();
  }
}
