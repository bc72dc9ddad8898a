import { describe, expect, it } from 'vitest';
import { bearerTokenCheck } from './bearer-token.js';

describe('bearerTokenCheck', () => {
  const check = bearerTokenCheck('s3cret-token-0123456789');
  it.each([
    ['Bearer s3cret-token-0123456789', 'ok'],
    ['bearer   s3cret-token-0123456789 ', 'ok'],
    ['Bearer s3cret-token-012345678', 'wrong'],
    ['Bearer ', 'missing'],
    ['Basic dXNlcjpwYXNz', 'missing'],
    [undefined, 'missing'],
  ])('%s → %s', (header, expected) => {
    expect(check(header)).toBe(expected);
  });

  it('is disabled without a configured token, whatever is sent', () => {
    expect(bearerTokenCheck(undefined)('Bearer anything')).toBe('disabled');
  });
});
