import { describe, expect, it } from 'vitest';
import { parseReplayLine } from './replay-line.js';

const prediction = {
  kind: 'prediction',
  requestId: 'r1',
  model: 'm',
  variant: 'v2',
  role: 'canary',
  output: 'deny',
  latencyMs: 41.5,
  status: 'ok',
  timestamp: 1_767_225_600_000,
};
const label = {
  kind: 'label',
  requestId: 'r1',
  model: 'm',
  label: 'deny',
  timestamp: 1_767_225_660_000,
};
const line = (value: unknown) => JSON.stringify(value);

describe('parseReplayLine', () => {
  it('reads a prediction, with role and status in the contracts’ spelling', () => {
    expect(parseReplayLine(line(prediction), 1)).toEqual({
      ok: true,
      event: { ...prediction, role: 'CANARY', status: 'OK' },
    });
  });

  it('reads a label, and ignores fields it does not know', () => {
    expect(parseReplayLine(line({ ...label, source: 'crm' }), 2)).toEqual({
      ok: true,
      event: label,
    });
  });

  it.each([
    ['error', 'ERROR'],
    ['timeout', 'TIMEOUT'],
    ['TIMEOUT', 'TIMEOUT'],
  ])('accepts a null output with status %s', (status, expected) => {
    const parsed = parseReplayLine(line({ ...prediction, output: null, status }), 3);
    expect(parsed).toMatchObject({ ok: true, event: { output: null, status: expected } });
  });

  it('takes numeric outputs and labels as text (regression)', () => {
    expect(parseReplayLine(line({ ...prediction, output: 12.5 }), 1)).toMatchObject({
      event: { output: '12.5' },
    });
    expect(parseReplayLine(line({ ...label, label: 3 }), 1)).toMatchObject({
      event: { label: '3' },
    });
  });

  it('reads class probabilities and a segment of a prediction, and outcomes of a label', () => {
    const scores = { deny: 0.75, allow: 0.25 };
    expect(parseReplayLine(line({ ...prediction, scores, segment: 'eu' }), 1)).toEqual({
      ok: true,
      event: { ...prediction, role: 'CANARY', status: 'OK', scores, segment: 'eu' },
    });
    const outcomes = { revenue: 12.5, refunds: -1 };
    expect(parseReplayLine(line({ ...label, outcomes }), 2)).toEqual({
      ok: true,
      event: { ...label, outcomes },
    });
    // Within the tolerance, and null as absent.
    const loose = { a: 0.333, b: 0.333, c: 0.333 };
    expect(parseReplayLine(line({ ...prediction, scores: loose }), 3)).toMatchObject({
      ok: true,
      event: { scores: loose },
    });
    expect(parseReplayLine(line({ ...prediction, scores: null, segment: null }), 4)).toMatchObject({
      ok: true,
      event: { scores: null, segment: null },
    });
  });

  const wrong: [string, unknown, string][] = [
    [
      'scores not summing to 1',
      { ...prediction, scores: { deny: 0.6, allow: 0.3 } },
      'scores: must sum to 1 (± 0.01), not 0.9',
    ],
    [
      'a probability above 1',
      { ...prediction, scores: { deny: 1.5, allow: -0.5 } },
      'scores.deny: must be in [0, 1]; scores.allow: must be in [0, 1]',
    ],
    ['no class', { ...prediction, scores: {} }, 'scores: must name at least one class'],
    [
      'scores as a list',
      { ...prediction, scores: [0.5, 0.5] },
      'scores: must be an object of class probabilities',
    ],
    [
      'a probability as text',
      { ...prediction, scores: { deny: '1' } },
      'scores.deny: must be a number',
    ],
    ['an empty segment', { ...prediction, segment: ' ' }, 'segment: must not be empty'],
    [
      'an outcome as text',
      { ...label, outcomes: { revenue: '12' } },
      'outcomes.revenue: must be a number',
    ],
    ['unknown kind', { ...label, kind: 'feedback' }, 'kind: must be "prediction" or "label"'],
    ['missing kind', { requestId: 'r1' }, 'kind: must be "prediction" or "label"'],
    ['missing requestId', { ...label, requestId: undefined }, 'requestId: is required'],
    ['empty requestId', { ...label, requestId: ' ' }, 'requestId: must not be empty'],
    ['numeric model', { ...label, model: 7 }, 'model: must be a string'],
    ['missing variant', { ...prediction, variant: undefined }, 'variant: is required'],
    ['unknown role', { ...prediction, role: 'primary' }, 'role: must be stable, canary or shadow'],
    [
      'output null with ok',
      { ...prediction, output: null },
      'output: must be set when status is ok',
    ],
    ['output object', { ...prediction, output: {} }, 'output: must be a string or a number'],
    ['latency as text', { ...prediction, latencyMs: '41' }, 'latencyMs: must be a number'],
    ['negative latency', { ...prediction, latencyMs: -1 }, 'latencyMs: must be >= 0'],
    ['unknown status', { ...prediction, status: 'failed' }, 'status: must be ok, error or timeout'],
    [
      'seconds',
      { ...prediction, timestamp: 1_767_225_600 },
      'timestamp: must be epoch milliseconds after 2000-01-01 (seconds?)',
    ],
    [
      'fractional time',
      { ...label, timestamp: 1.5e12 + 0.5 },
      'timestamp: must be whole epoch milliseconds',
    ],
    ['empty label', { ...label, label: '' }, 'label: must be a string or a number'],
    ['missing label', { ...label, label: undefined }, 'label: is required'],
  ];

  it.each(wrong)('%s: the issue names the line and the field', (_name, value, message) => {
    const parsed = parseReplayLine(line(value), 42);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issue.line).toBe(42);
    expect(parsed.issue.message).toContain(message);
  });

  it('lists every offending field of a line', () => {
    const parsed = parseReplayLine(line({ ...prediction, latencyMs: -1, status: 'meh' }), 5);
    expect(parsed).toEqual({
      ok: false,
      issue: { line: 5, message: 'latencyMs: must be >= 0; status: must be ok, error or timeout' },
    });
  });

  it.each([
    ['{"kind":', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
  ])('rejects %s as %s', (text, message) => {
    expect(parseReplayLine(text, 9)).toMatchObject({
      ok: false,
      issue: { line: 9, message: expect.stringContaining(message) },
    });
  });
});
