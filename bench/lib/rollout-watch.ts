import type { DecisionReport, EventCodec, RolloutState, TopicCatalog } from '@kanary/contracts';
import type { Kafka } from 'kafkajs';

/** Every applied state and every decision report of the run's topics, with when they were seen. */
export interface RolloutWatch {
  readonly states: RolloutState[];
  readonly decisions: DecisionReport[];
  close(): Promise<void>;
}

/** Follows `rollout.state` and `rollout.decisions` (read_committed) from their beginning. */
export async function watchRollouts(
  kafka: Kafka,
  codec: EventCodec,
  catalog: Pick<TopicCatalog, 'state' | 'decisions'>,
  groupId: string,
): Promise<RolloutWatch> {
  const states: RolloutState[] = [];
  const decisions: DecisionReport[] = [];
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({
    topics: [catalog.state.name, catalog.decisions.name],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === catalog.state.name)
        states.push(await codec.decode(catalog.state, message.value));
      else decisions.push(await codec.decode(catalog.decisions, message.value));
    },
  });
  return { states, decisions, close: () => consumer.disconnect() };
}
