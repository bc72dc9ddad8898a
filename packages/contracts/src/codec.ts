import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { DecodeError, KanaryError, ValidationError } from './errors.js';
import { eventSchemaText, type EventName, type EventTypes } from './events.js';
import { valueSubject, type TopicSpec } from './topics.js';
import { semanticIssues } from './validators.js';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro body. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** The schema registry could not be reached or failed; retrying later may help. */
export class RegistryUnavailableError extends KanaryError {
  constructor(message: string, cause?: unknown) {
    super('REGISTRY_UNAVAILABLE', message, { retriable: true, cause });
  }
}

export interface RegistryConnection {
  /** Base URL of a Confluent-compatible API (for Apicurio: `http://host:port/apis/ccompat/v7`). */
  url: string;
  /** Basic auth for the registry. */
  auth?: { username: string; password: string } | undefined;
}

const parsedSchemas = new Map<EventName, avro.Type>();
/** The avsc type of an event (parsed once); used as the reader schema when decoding. */
export function avroType(event: EventName): avro.Type {
  let type = parsedSchemas.get(event);
  if (type === undefined) {
    type = avro.Type.forSchema(JSON.parse(eventSchemaText[event]) as avro.Schema);
    parsedSchemas.set(event, type);
  }
  return type;
}

const statusOf = (e: unknown): number | undefined => {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
};

/**
 * Encodes and decodes Kanary events in the Confluent wire format through a schema registry.
 * Schemas are registered under `<topic>-value` with BACKWARD compatibility; schema ids are
 * cached after the first use, so steady-state encoding costs no registry round trip.
 * Decoding uses the local schema as reader schema, so records written with an older
 * compatible schema are resolved to the current shape.
 */
export class EventCodec {
  readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, Promise<number>>();
  private readonly resolvers = new Map<string, Promise<avro.Resolver>>();

  constructor(registry: SchemaRegistry | RegistryConnection) {
    this.registry =
      registry instanceof SchemaRegistry
        ? registry
        : new SchemaRegistry({
            host: registry.url,
            ...(registry.auth ? { auth: registry.auth } : {}),
          });
  }

  /** Registers (idempotently) the topic's value schema and returns its id. */
  register(topic: TopicSpec): Promise<number> {
    const event = topic.event;
    if (event === null) throw new Error(`topic ${topic.name} carries raw bytes, not an event`);
    const subject = valueSubject(topic);
    let id = this.ids.get(subject);
    if (id === undefined) {
      id = this.registry
        .register(
          { type: SchemaType.AVRO, schema: eventSchemaText[event] },
          { subject, compatibility: COMPATIBILITY.BACKWARD },
        )
        .then((r) => r.id)
        .catch((e: unknown) => {
          this.ids.delete(subject);
          const status = statusOf(e);
          if (status === undefined || status >= 500) {
            throw new RegistryUnavailableError(
              `cannot register ${subject}: ${(e as Error).message}`,
              e,
            );
          }
          throw new KanaryError(
            'SCHEMA_REJECTED',
            `registry rejected ${subject}: ${(e as Error).message}`,
            { cause: e },
          );
        });
      this.ids.set(subject, id);
    }
    return id;
  }

  /**
   * Resolver from the writer schema (by id, fetched once from the registry) to the local
   * reader schema. A writer schema the reader cannot resolve (another event's schema, an
   * incompatible change) is a DecodeError.
   */
  private resolver(event: EventName, schemaId: number): Promise<avro.Resolver> {
    const cacheKey = `${event}:${schemaId}`;
    let resolver = this.resolvers.get(cacheKey);
    if (resolver === undefined) {
      resolver = this.registry.getSchema(schemaId).then(
        (writer) => {
          try {
            return avroType(event).createResolver(writer as unknown as avro.Type);
          } catch (e) {
            throw new DecodeError(
              `schema id ${schemaId} is not a compatible ${event} schema: ${(e as Error).message}`,
              e,
            );
          }
        },
        (e: unknown) => {
          const status = statusOf(e);
          if (status === 404) throw new DecodeError(`unknown schema id ${schemaId}`, e);
          throw new RegistryUnavailableError(
            `cannot fetch schema id ${schemaId}: ${(e as Error).message}`,
            e,
          );
        },
      );
      // Only successes are cached; a failed lookup is asked again next time.
      void resolver.catch(() => this.resolvers.delete(cacheKey));
      this.resolvers.set(cacheKey, resolver);
    }
    return resolver;
  }

  /** Validates the event's semantic rules, then encodes it for the topic. */
  async encode<E extends EventName>(topic: TopicSpec<E>, value: EventTypes[E]): Promise<Buffer> {
    const issues = semanticIssues(topic.event, value);
    if (issues.length > 0) throw new ValidationError(topic.event, issues);
    const id = await this.register(topic);
    const type = avroType(topic.event);
    if (!type.isValid(value)) {
      const paths: string[] = [];
      type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
      throw new ValidationError(
        topic.event,
        paths.map((p) => `${p}: does not match the Avro schema`),
      );
    }
    const body = type.toBuffer(value);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(MAGIC_BYTE, 0);
    header.writeInt32BE(id, 1);
    return Buffer.concat([header, body]);
  }

  /**
   * Decodes a record value written for the topic and checks its semantic rules.
   * @throws DecodeError when the bytes are not a decodable record of this topic's event,
   *   ValidationError when it decodes but breaks a rule, RegistryUnavailableError (retriable)
   *   when the registry cannot be asked for the writer schema.
   */
  async decode<E extends EventName>(
    topic: TopicSpec<E>,
    bytes: Buffer | null,
  ): Promise<EventTypes[E]> {
    if (bytes === null) throw new DecodeError(`empty value on ${topic.name}`);
    if (bytes.length < HEADER_BYTES || bytes.readUInt8(0) !== MAGIC_BYTE) {
      throw new DecodeError(
        `not Confluent wire format (${bytes.length} bytes, first byte ${bytes[0] ?? 'none'})`,
      );
    }
    const schemaId = bytes.readInt32BE(1);
    const reader = avroType(topic.event);
    const resolver = await this.resolver(topic.event, schemaId);
    let value: EventTypes[E];
    try {
      value = reader.fromBuffer(bytes.subarray(HEADER_BYTES), resolver) as EventTypes[E];
    } catch (e) {
      throw new DecodeError(
        `cannot decode ${topic.event} with schema id ${schemaId}: ${(e as Error).message}`,
        e,
      );
    }
    const issues = semanticIssues(topic.event, value);
    if (issues.length > 0) throw new ValidationError(topic.event, issues);
    return value;
  }
}
