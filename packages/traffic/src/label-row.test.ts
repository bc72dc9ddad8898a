import { describe, expect, it } from 'vitest';
import { labelFromRow } from './label-row.js';

const now = Date.UTC(2026, 0, 2);
const defaults = { model: 'weather', timestamp: now };

describe('labelFromRow', () => {
  it.each([
    [
      { requestId: 'r-1', label: 'rain' },
      { requestId: 'r-1', model: 'weather', label: 'rain', timestamp: now },
    ],
    [
      { requestId: ' r-2 ', label: ' sun ', model: 'other' },
      { requestId: 'r-2', model: 'other', label: 'sun', timestamp: now },
    ],
    [
      { requestId: 'r-3', label: 4.5, timestamp: 1_767_225_600_000 },
      { requestId: 'r-3', label: '4.5', timestamp: 1_767_225_600_000 },
    ],
    [
      { requestId: 'r-4', label: 'fog', timestamp: '1767225600000' },
      { timestamp: 1_767_225_600_000 },
    ],
    [
      { requestId: 'r-5', label: 'fog', timestamp: '2026-01-01T00:00:00Z' },
      { timestamp: 1_767_225_600_000 },
    ],
    [
      { requestId: 'r-6', label: 'fog', timestamp: '' },
      { timestamp: now, outcomes: null },
    ],
    [
      { requestId: 'r-7', label: 'buy', outcomes: { revenue: 12.5, clicks: 3 } },
      { outcomes: { revenue: 12.5, clicks: 3 } },
    ],
    [
      { requestId: 'r-8', label: 'buy', 'outcome:revenue': '9.90', 'outcome:clicks': '' },
      { outcomes: { revenue: 9.9 } },
    ],
  ])('imports %j', (row, expected) => {
    const result = labelFromRow(row, defaults);
    expect(result.ok).toBe(true);
    expect(result.ok && result.label).toMatchObject(expected);
  });

  it.each([
    [{ label: 'rain' }, 'requestId is missing'],
    [{ requestId: '  ', label: 'rain' }, 'requestId is missing'],
    [{ requestId: 'r-1' }, 'label is missing'],
    [{ requestId: 'r-1', label: null }, 'label is missing'],
    [
      { requestId: 'r-1', label: 'x', timestamp: 'yesterday' },
      'timestamp "yesterday" is neither epoch milliseconds nor an ISO 8601 date',
    ],
    [
      { requestId: 'r-1', label: 'x', timestamp: 1_767_225_600 },
      'timestamp 1767225600 is not epoch milliseconds between 2000 and 2100 (seconds?)',
    ],
    [{ requestId: { id: 1 }, label: 'x' }, 'requestId is missing'],
    [
      { requestId: 'r-1', label: 'x', 'outcome:revenue': 'lots' },
      'outcome "revenue": "lots" is not a number',
    ],
    [
      { requestId: 'r-1', label: 'x', outcomes: [1, 2] },
      'outcomes must be an object of named numbers, e.g. {"revenue": 12.5}',
    ],
  ])('rejects %j', (row, error) => {
    expect(labelFromRow(row, defaults)).toEqual({ ok: false, error });
  });

  it('needs a model from the row or the defaults', () => {
    expect(labelFromRow({ requestId: 'r', label: 'x' }, { timestamp: now })).toEqual({
      ok: false,
      error: 'model is missing (add a model column or pass --model)',
    });
  });
});
