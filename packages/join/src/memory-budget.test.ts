/**
 * The store's memory accounting per pending prediction: linear in the number of pending
 * requests, and within the 1 KiB budget for a large but realistic prediction (UUID ids, long
 * variant name, an output at the `maxOutputChars` limit). Accounting only; nothing is timed.
 */
import { describe, expect, it } from 'vitest';
import { DAY, T0, predicted } from './join.fixtures.js';
import { JoinProcessor } from './join-processor.js';

const BUDGET_BYTES = 1024;
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function bulky(n: number, variant = 'fraud-detector-2025-11-27-canary', output = 'x'.repeat(128)) {
  return predicted({
    requestId: uuid(n),
    model: 'fraud-detector',
    rolloutId: uuid(999_999),
    variant,
    role: 'CANARY',
    output,
    latencyMs: 123.456789012345,
  });
}

describe('join store memory', () => {
  it('grows by the same bytes for every pending prediction, within 1 KiB each', () => {
    const processor = new JoinProcessor({ ttlMs: DAY });
    processor.init({ now: T0 });
    const sizes: number[] = [];
    for (let n = 1; n <= 2000; n++) {
      processor.process(bulky(n), T0 + n);
      sizes.push(processor.stats().approximateBytes);
    }
    const perPrediction = sizes[0] as number;
    expect(sizes.every((bytes, i) => bytes === (i + 1) * perPrediction)).toBe(true);
    expect(perPrediction).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(processor.stats()).toMatchObject({ entries: 2000, pendingPredictions: 2000 });

    // A far longer output costs the same: it is held as a digest beyond maxOutputChars.
    processor.process(bulky(5000, undefined, 'y'.repeat(100_000)), T0);
    expect(processor.stats().approximateBytes - 2000 * perPrediction).toBeLessThan(perPrediction);

    processor.punctuate(T0 + 2 * DAY);
    expect(processor.stats()).toMatchObject({ entries: 0, approximateBytes: 0 });
  });

  it('spends less per prediction when a stable and its shadows share a request', () => {
    const single = new JoinProcessor();
    single.init({ now: T0 });
    single.process(bulky(0, 'stable'), T0);
    const alone = single.stats().approximateBytes;
    const processor = new JoinProcessor();
    processor.init({ now: T0 });
    for (let n = 1; n <= 100; n++) {
      for (const variant of ['stable', 'shadow-a', 'shadow-b'])
        processor.process(bulky(n, variant), T0);
    }
    const { approximateBytes, pendingPredictions } = processor.stats();
    expect(pendingPredictions).toBe(300);
    expect(approximateBytes / pendingPredictions).toBeLessThan(alone);
  });
});
