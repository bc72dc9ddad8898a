import { seasonOf, WEATHER_CLASSES } from '@kanary/models';
import { describe, expect, it } from 'vitest';
import { createRequestSource, SourceKind } from './request-source.js';

describe('createRequestSource', () => {
  it('draws synthetic classes uniformly and sends the truth as trueLabel', async () => {
    const source = await createRequestSource(
      { kind: SourceKind.SYNTHETIC, classes: ['x', 'y'] },
      5,
    );
    const samples = Array.from({ length: 4_000 }, (_, i) => source(i));
    for (const s of samples.slice(0, 50))
      expect(JSON.parse(s.features)).toEqual({ trueLabel: s.trueLabel });
    const xShare = samples.filter((s) => s.trueLabel === 'x').length / samples.length;
    expect(xShare).toBeGreaterThan(0.46);
    expect(xShare).toBeLessThan(0.54);
    expect(source(123)).toEqual(
      (await createRequestSource({ kind: SourceKind.SYNTHETIC, classes: ['x', 'y'] }, 5))(123),
    );
  });

  it('defaults synthetic classes to the weather classes', async () => {
    const source = await createRequestSource({ kind: SourceKind.SYNTHETIC }, 1);
    const seen = new Set(Array.from({ length: 500 }, (_, i) => source(i).trueLabel));
    expect([...seen].sort()).toEqual([...WEATHER_CLASSES]);
  });

  it('rejects a single synthetic class', async () => {
    await expect(
      createRequestSource({ kind: SourceKind.SYNTHETIC, classes: ['only'] }, 1),
    ).rejects.toThrow(/two classes/);
  });

  it('sends real weather features and keeps the truth out of them', async () => {
    const source = await createRequestSource({ kind: SourceKind.WEATHER }, 2);
    const sample = source(0);
    const features = JSON.parse(sample.features) as Record<string, unknown>;
    expect(Object.keys(features).sort()).toEqual([
      'date',
      'precipitation',
      'season',
      'temp_max',
      'temp_min',
      'wind',
    ]);
    expect(features.season).toBe(seasonOf(features.date as string));
    expect(WEATHER_CLASSES).toContain(sample.trueLabel);
  });

  it('puts the truth into weather features only when asked', async () => {
    const source = await createRequestSource(
      { kind: SourceKind.WEATHER, truthInFeatures: true },
      2,
    );
    const sample = source(0);
    expect(JSON.parse(sample.features)).toMatchObject({ trueLabel: sample.trueLabel });
  });
});
