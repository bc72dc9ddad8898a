import type { IHeaders } from 'kafkajs';

/** Header names on dead-lettered records. */
export const DlqHeader = {
  sourceTopic: 'kanary.dlq.source.topic',
  sourcePartition: 'kanary.dlq.source.partition',
  sourceOffset: 'kanary.dlq.source.offset',
  errorClass: 'kanary.dlq.error.class',
  errorMessage: 'kanary.dlq.error.message',
  service: 'kanary.dlq.service',
} as const;

export interface DeadLetter {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** Builds the dead-letter record for an input record: original key and bytes, reason in headers. */
export function deadLetter(
  source: {
    topic: string;
    partition: number;
    offset: string;
    key: Buffer | null;
    value: Buffer | null;
    headers?: IHeaders | undefined;
  },
  error: unknown,
  service: string,
): DeadLetter {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    key: source.key,
    value: source.value,
    headers: {
      ...(source.headers ?? {}),
      [DlqHeader.sourceTopic]: source.topic,
      [DlqHeader.sourcePartition]: String(source.partition),
      [DlqHeader.sourceOffset]: source.offset,
      [DlqHeader.errorClass]: err.name,
      [DlqHeader.errorMessage]: err.message.slice(0, 4_000),
      [DlqHeader.service]: service,
    },
  };
}

/** Reads a dead-letter header as text. */
export function dlqHeader(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}
