import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@kanary/observability';
import { watchConsumerCrashes, watchFirstConsumerFailure } from './crash-watch.js';

/** Just enough of a kafkajs client: consumers that emit CRASH events, and an admin. */
function fakeKafka() {
  const consumers: EventEmitter[] = [];
  const kafka = {
    consumer: () => {
      const consumer = Object.assign(new EventEmitter(), { events: { CRASH: 'consumer.crash' } });
      consumers.push(consumer);
      return consumer;
    },
    admin: function (this: unknown) {
      return { self: this };
    },
  };
  return { kafka: kafka as unknown as Kafka, consumers, raw: kafka };
}

describe('watchConsumerCrashes', () => {
  it('reports a crash kafkajs will not restart from, and ignores one it restarts from', () => {
    const { kafka, consumers } = fakeKafka();
    const fatal: Error[] = [];
    const watched = watchConsumerCrashes(kafka, (e) => fatal.push(e));
    watched.consumer({ groupId: 'g' });
    const crash = (restart: boolean, message: string) =>
      consumers[0]!.emit('consumer.crash', { payload: { error: new Error(message), restart } });
    crash(true, 'retriable');
    crash(false, 'too large');
    expect(fatal.map((e) => e.message)).toEqual(['too large']);
  });

  it('passes everything else through, bound to the real client', () => {
    const { kafka, raw } = fakeKafka();
    const watched = watchConsumerCrashes(kafka, () => undefined);
    expect((watched.admin() as unknown as { self: unknown }).self).toBe(raw);
  });
});

describe('watchFirstConsumerFailure', () => {
  it('keeps and reports only the first unrecoverable crash', () => {
    const { kafka, consumers } = fakeKafka();
    const reported: string[] = [];
    const watched = watchFirstConsumerFailure(kafka, {
      service: 'test',
      logger: createLogger({ service: 'test', level: 'silent' }),
      onFatal: (e) => reported.push(e.message),
    });
    expect(watched.failure()).toBeUndefined();
    watched.kafka.consumer({ groupId: 'a' });
    watched.kafka.consumer({ groupId: 'b' });
    consumers[0]!.emit('consumer.crash', {
      payload: { error: new Error('first'), restart: false },
    });
    consumers[1]!.emit('consumer.crash', {
      payload: { error: new Error('second'), restart: false },
    });
    expect(watched.failure()?.message).toBe('first');
    expect(reported).toEqual(['first']);
  });
});
