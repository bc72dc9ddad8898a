import type { Logger } from '@kanary/observability';
import type { Kafka } from 'kafkajs';

/**
 * Wraps a Kafka client so that every consumer created through it reports a crash kafkajs will
 * not recover from. kafkajs restarts a consumer only after retriable errors; after any other
 * (for example a record the broker refuses as too large) the consumer stops for good while the
 * process lives on, so a service reports itself unhealthy instead of idling silently.
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

/** A Kafka client whose consumers report the first crash they will not recover from. */
export interface WatchedKafka {
  readonly kafka: Kafka;
  /** The first such crash, if any (a service reports itself unhealthy from then on). */
  failure(): Error | undefined;
}

/**
 * {@link watchConsumerCrashes} for a service: the first unrecoverable crash is logged as a fatal
 * `<service>.consumer_stopped` event and passed to `onFatal` once; later ones are ignored.
 */
export function watchFirstConsumerFailure(
  kafka: Kafka,
  options: { service: string; logger: Logger; onFatal?: ((error: Error) => void) | undefined },
): WatchedKafka {
  let first: Error | undefined;
  const watched = watchConsumerCrashes(kafka, (error) => {
    if (first !== undefined) return;
    first = error;
    options.logger.fatal(
      { event: `${options.service}.consumer_stopped`, err: error },
      'a consumer stopped for good',
    );
    options.onFatal?.(error);
  });
  return { kafka: watched, failure: () => first };
}
