import { describe, expect, it } from 'vitest';
import type { ProcessorOptions } from './processor-options.js';
import { processorSettings } from './processor-settings.js';

type Input = Parameters<typeof processorSettings>[0];

const base = { groupId: 'g' } as const;

describe('processorSettings', () => {
  it.each<{ case: string; options: Input; error: RegExp }>([
    {
      case: 'exactly-once without a transactional id',
      options: { ...base, mode: 'exactly-once' },
      error: /needs a transactionalIdPrefix/,
    },
    {
      case: 'exactly-once with an empty transactional id',
      options: { ...base, mode: 'exactly-once', transactionalIdPrefix: '' },
      error: /needs a transactionalIdPrefix/,
    },
    {
      case: 'exactly-once without committed offsets',
      options: { ...base, mode: 'exactly-once', transactionalIdPrefix: 't', commitOffsets: false },
      error: /commits offsets in its transactions/,
    },
    {
      case: 'no partition at a time',
      options: { ...base, mode: 'at-least-once', partitionsConcurrently: 0 },
      error: /partitionsConcurrently must be a positive integer/,
    },
    {
      case: 'a negative commit interval',
      options: { ...base, mode: 'at-least-once', commitIntervalMs: -1 },
      error: /commitIntervalMs must be a non-negative integer/,
    },
    {
      case: 'both wrong: the missing id is named first',
      options: { ...base, mode: 'exactly-once', commitOffsets: false },
      error: /needs a transactionalIdPrefix/,
    },
  ])('rejects $case', ({ options, error }) => {
    expect(() => processorSettings(options)).toThrow(error);
  });

  it.each<{
    case: string;
    options: Input;
    expected: Partial<ReturnType<typeof processorSettings>>;
  }>([
    {
      case: 'exactly-once: transactional producer, offsets committed in the transaction',
      options: { ...base, mode: 'exactly-once', transactionalIdPrefix: 't' },
      expected: {
        exactlyOnce: true,
        transactionalIdPrefix: 't',
        commitOffsets: true,
        autoCommit: false,
        partitionsConcurrently: 8,
      },
    },
    {
      case: 'at-least-once: idempotent producer, kafkajs commits the resolved offsets',
      options: { ...base, mode: 'at-least-once', transactionalIdPrefix: 'ignored' },
      expected: {
        exactlyOnce: false,
        transactionalIdPrefix: undefined,
        commitOffsets: true,
        autoCommit: true,
        partitionsConcurrently: 1,
        producer: { idempotent: true, maxInFlightRequests: 1 },
      },
    },
    {
      case: 'at-least-once without committed offsets',
      options: { ...base, mode: 'at-least-once', commitOffsets: false },
      expected: { commitOffsets: false, autoCommit: false },
    },
    {
      case: 'defaults',
      options: { ...base, mode: 'at-least-once' },
      expected: { lagIntervalMs: 10_000, fromBeginning: true },
    },
    {
      case: 'lag gauge off, reading from the latest offsets',
      options: { ...base, mode: 'at-least-once', lagIntervalMs: 0, fromBeginning: false },
      expected: { lagIntervalMs: 0, fromBeginning: false },
    },
  ])('$case', ({ options, expected }) => {
    const settings = processorSettings(options);
    expect(settings).toMatchObject(expected);
    if (expected.producer) expect(settings.producer).toEqual(expected.producer);
  });

  it.each<{ case: string; consumer: ProcessorOptions['consumer']; expected: object }>([
    {
      case: 'read_committed with the runner timeouts by default',
      consumer: undefined,
      expected: {
        groupId: 'g',
        readUncommitted: false,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_500,
        rebalanceTimeout: 30_000,
      },
    },
    {
      case: "the caller's overrides win",
      consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, maxBytesPerPartition: 1024 },
      expected: {
        groupId: 'g',
        readUncommitted: false,
        sessionTimeout: 6_000,
        heartbeatInterval: 500,
        rebalanceTimeout: 30_000,
        maxBytesPerPartition: 1024,
      },
    },
  ])('consumer config: $case', ({ consumer, expected }) => {
    expect(processorSettings({ ...base, mode: 'at-least-once', consumer }).consumer).toEqual(
      expected,
    );
  });

  it('a commit interval makes each fetch wait for it, unless the caller says otherwise', () => {
    const gathered = processorSettings({ ...base, mode: 'at-least-once', commitIntervalMs: 100 });
    expect(gathered.consumer).toMatchObject({ maxWaitTimeInMs: 100, minBytes: 10 * 1024 * 1024 });
    const overridden = processorSettings({
      ...base,
      mode: 'at-least-once',
      commitIntervalMs: 100,
      consumer: { minBytes: 1 },
    });
    expect(overridden.consumer).toMatchObject({ maxWaitTimeInMs: 100, minBytes: 1 });
    const immediate = processorSettings({ ...base, mode: 'at-least-once' }).consumer;
    expect(immediate).not.toHaveProperty('maxWaitTimeInMs');
  });
});
