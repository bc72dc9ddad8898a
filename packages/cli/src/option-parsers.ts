import { parseDuration } from '@kanary/traffic';
import { InvalidArgumentError } from 'commander';

/** Commander argument parsers that reject bad values with a message naming what is expected. */
export const parseOption = {
  positiveNumber(value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
    return n;
  },
  positiveInt(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError('expected a positive integer');
    return n;
  },
  int(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
    return n;
  },
  fraction(value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError('expected a number in [0, 1]');
    return n;
  },
  duration(value: string): number {
    try {
      return parseDuration(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  },
  list(value: string): string[] {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
    return items;
  },
};
