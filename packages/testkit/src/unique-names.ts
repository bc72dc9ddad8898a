import { randomBytes } from 'node:crypto';

const suffix = (): string => `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/**
 * A topic name no other test (in this run or an earlier one against the same broker) uses, so
 * tests can share one broker without cleaning up between them.
 */
export const uniqueTopic = (prefix = 'test'): string => `${prefix}-${suffix()}`;

/** A consumer group id no other test uses. */
export const uniqueGroupId = (prefix = 'test-group'): string => `${prefix}-${suffix()}`;

/** A transactional id no other producer uses. */
export const uniqueTransactionalId = (prefix = 'test-txn'): string => `${prefix}-${suffix()}`;
