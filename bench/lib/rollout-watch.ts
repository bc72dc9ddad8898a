import type { DecisionReport, EventCodec, RolloutState, TopicCatalog } from '@kanary/contracts';
import type { Kafka } from 'kafkajs';

/** A decision report as the watch received it. */
export interface SeenDecision {
  readonly report: DecisionReport;
  /** When the producer wrote it (the record's CreateTime), epoch ms. */
  readonly writtenAt: number;
  /** When this consumer received it, epoch ms. */
  readonly seenAt: number;
}

/** Every applied state and every decision report of the run's topics, with when they were seen. */
export interface RolloutWatch {
  readonly states: RolloutState[];
  readonly decisions: DecisionReport[];
  /**
   * The first report, among those seen and those still to come, that `match` accepts; rejects
   * after `timeoutMs`.
   */
  decision(match: (seen: SeenDecision) => boolean, timeoutMs: number): Promise<SeenDecision>;
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
  const seen: SeenDecision[] = [];
  const waiting = new Set<(seen: SeenDecision) => void>();
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({
    topics: [catalog.state.name, catalog.decisions.name],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const seenAt = Date.now();
      if (topic === catalog.state.name) {
        states.push(await codec.decode(catalog.state, message.value));
        return;
      }
      const report = await codec.decode(catalog.decisions, message.value);
      decisions.push(report);
      const entry = { report, writtenAt: Number(message.timestamp), seenAt };
      seen.push(entry);
      for (const notify of [...waiting]) notify(entry);
    },
  });
  return {
    states,
    decisions,
    decision(match, timeoutMs) {
      const already = seen.find(match);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(notify);
          reject(new Error(`no matching decision report within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        // A wait abandoned by its caller must not keep the process alive.
        timer.unref();
        const notify = (entry: SeenDecision) => {
          if (!match(entry)) return;
          clearTimeout(timer);
          waiting.delete(notify);
          resolve(entry);
        };
        waiting.add(notify);
      });
    },
    close: () => consumer.disconnect(),
  };
}
