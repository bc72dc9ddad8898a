import type { EventCodec, TopicCatalog } from '@kanary/contracts';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { EngineOutput } from '@kanary/decision-engine';

/**
 * Publishes what a tick decided: commands to `rollout.commands` (keyed by model, so a model's
 * commands stay in order) and reports to `rollout.decisions` (keyed by rolloutId), with an
 * idempotent producer. What cannot be sent stays queued, in order, and goes out before anything
 * newer on the next attempt: the engine issues a command only once per state, so dropping one
 * would leave its rollout waiting.
 */
export class DecisionPublisher {
  private producer: Producer | undefined;
  /** Encoded when sent, so that a registry outage is retried like a broker one. */
  private readonly queue: Array<{ topic: string; key: string; encode(): Promise<Buffer> }> = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly topics: TopicCatalog,
  ) {}

  /** Records waiting to be sent. */
  get pending(): number {
    return this.queue.length;
  }

  async connect(): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    this.producer = producer;
  }

  /** Queues a tick's output and sends everything queued. */
  async publish(output: EngineOutput): Promise<void> {
    const { commands, decisions } = this.topics;
    for (const command of output.commands) {
      const encode = () => this.codec.encode(commands, command);
      this.queue.push({ topic: commands.name, key: command.model, encode });
    }
    for (const report of output.reports) {
      const encode = () => this.codec.encode(decisions, report);
      this.queue.push({ topic: decisions.name, key: report.rolloutId, encode });
    }
    await this.flush();
  }

  /** Sends everything queued; on failure it stays queued and the error is thrown. */
  async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    if (this.producer === undefined) throw new Error('the decision publisher is not connected');
    const batch = [...this.queue];
    const byTopic = new Map<string, Message[]>();
    for (const record of batch) {
      const messages = byTopic.get(record.topic) ?? [];
      messages.push({ key: record.key, value: await record.encode() });
      byTopic.set(record.topic, messages);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await this.producer.sendBatch({ topicMessages, acks: -1 });
    this.queue.splice(0, batch.length);
  }

  /** Writes dead letters at once (not queued: the caller counts and logs a failure). */
  async sendDeadLetters(letters: readonly Message[]): Promise<void> {
    if (this.producer === undefined) throw new Error('the decision publisher is not connected');
    await this.producer.send({ topic: this.topics.dlq.name, messages: [...letters], acks: -1 });
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
