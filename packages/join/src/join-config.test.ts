import { ConfigError } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { parseJoinConfig } from './join-config.js';

describe('parseJoinConfig', () => {
  it('applies documented defaults and freezes the result', () => {
    const config = parseJoinConfig();
    expect(config).toEqual({
      ttlMs: 604_800_000,
      numericTolerance: 0,
      maxPending: 250_000,
      metricsIntervalMs: 10_000,
      maxOutputChars: 128,
      latencyRelativeAccuracy: 0.01,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(parseJoinConfig(config)).toEqual(config);
  });

  it.each([
    [{ ttlMs: 0 }, /ttlMs: must be > 0/],
    [{ numericTolerance: -1 }, /numericTolerance: must be >= 0/],
    [{ maxPending: 1.5 }, /maxPending: must be an integer/],
    [{ latencyRelativeAccuracy: 1 }, /latencyRelativeAccuracy: must be in \(0, 1\)/],
    [{ ttl: 5 } as never, /Unrecognized key/],
  ])('names the field of an invalid value %j', (input, message) => {
    expect(() => parseJoinConfig(input)).toThrow(ConfigError);
    expect(() => parseJoinConfig(input)).toThrow(message);
  });
});
