import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogLevel } from './client.js';

describe('kafkaLogLevel', () => {
  it.each([
    [logLevel.ERROR, { message: 'Connection error: ECONNREFUSED' }, 'error'],
    [logLevel.WARN, { message: 'Limiting retries for the idempotent producer' }, 'warn'],
    [logLevel.INFO, { message: 'Consumer has joined the group' }, 'debug'],
    // The broker's refusal of a transaction begun while the last one's markers are written, and
    // kafkajs' retry of it: routine, not errors.
    [
      logLevel.ERROR,
      {
        message: 'Response AddPartitionsToTxn(key: 24, version: 1)',
        error:
          'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
      },
      'debug',
    ],
    [
      logLevel.ERROR,
      {
        message:
          'Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
      },
      'debug',
    ],
  ] as const)('level %i %j → %s', (level, log, expected) => {
    expect(kafkaLogLevel(level, log)).toBe(expected);
  });
});
