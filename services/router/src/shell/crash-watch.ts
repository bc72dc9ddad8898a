import type { Kafka } from 'kafkajs';

/**
 * Wraps a Kafka client so that every consumer created through it reports a crash kafkajs will
 * not recover from. kafkajs restarts a consumer only after retriable errors; after any other
 * (for example a record the broker refuses as too large) the consumer stops for good while the
 * process lives on, so the router reports itself unhealthy instead of idling silently.
 */
export function watchConsumerCrashes(kafka: Kafka, onFatal: (error: Error) => void): Kafka {
  return new Proxy(kafka, {
    get(target, property, receiver) {
      if (property === 'consumer') {
        return (...args: Parameters<Kafka['consumer']>) => {
          const consumer = target.consumer(...args);
          consumer.on(consumer.events.CRASH, ({ payload }) => {
            if (!payload.restart) onFatal(payload.error);
          });
          return consumer;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
