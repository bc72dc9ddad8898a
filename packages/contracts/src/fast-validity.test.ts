import { describe, expect, it } from 'vitest';
import { eventNames, type EventName } from './events.js';
import { exampleEvents } from './examples.js';
import { certainlyValid } from './fast-validity.js';
import { zodIssueCount } from './validators.js';

const FAST: readonly EventName[] = [
  'InferenceRequest',
  'RoutedRequest',
  'Prediction',
  'GroundTruthLabel',
  'Evaluation',
];

/** Field values that break (or come close to breaking) one rule each. */
const edits: ReadonlyArray<[string, unknown]> = [
  ['requestId', ' '],
  ['requestId', ''],
  ['requestId', 7],
  ['model', '\t'],
  ['variant', ''],
  ['label', ''],
  ['features', '{not json'],
  ['features', '{"ok":true}'],
  ['features', null],
  ['timestamp', 1_767_225_600],
  ['timestamp', 1_767_225_600_000.5],
  ['timestamp', 946_684_800_000],
  ['timestamp', 4_102_444_800_001],
  ['timestamp', Number.NaN],
  ['routedAt', 3],
  ['predictedAt', 0],
  ['labeledAt', 5_000_000_000_000],
  ['latencyMs', -1],
  ['latencyMs', 0],
  ['latencyMs', Number.POSITIVE_INFINITY],
  ['latencyMs', Number.NaN],
  ['absError', -0.5],
  ['absError', null],
  ['absError', 2.5],
  ['score', Number.NaN],
  ['score', null],
  ['status', 'FAILED'],
  ['status', 'ERROR'],
  ['output', null],
  ['output', 3],
];

describe('certainlyValid', () => {
  it.each(FAST)('accepts the %s example', (event) => {
    expect(certainlyValid(event, exampleEvents[event])).toBe(true);
  });

  it.each(eventNames.filter((e) => !FAST.includes(e)))('has no fast path for %s', (event) => {
    expect(certainlyValid(event, exampleEvents[event])).toBe(false);
  });

  it('never accepts a value the zod rules reject', () => {
    let rejectedByBoth = 0;
    for (const event of FAST) {
      for (const [field, value] of edits) {
        const edited = { ...exampleEvents[event], [field]: value } as never;
        if (certainlyValid(event, edited)) expect(zodIssueCount(event, edited)).toBe(0);
        else if (zodIssueCount(event, edited) > 0) rejectedByBoth += 1;
      }
    }
    // The edits do exercise the rules: most of them are invalid for at least one event.
    expect(rejectedByBoth).toBeGreaterThan(30);
  });

  it('judges feature texts it has seen before the same way (the JSON memo), beyond its size', () => {
    const request = exampleEvents.InferenceRequest;
    const withFeatures = (features: string) => ({ ...request, features });
    // More distinct texts than the memo holds, each checked twice, with a non-JSON text between.
    for (let i = 0; i < 5_000; i++) {
      const text = `{"x":${i}}`;
      expect(certainlyValid('InferenceRequest', withFeatures(text))).toBe(true);
      expect(certainlyValid('InferenceRequest', withFeatures(`{"x":${i}`))).toBe(false);
      expect(
        certainlyValid('RoutedRequest', { ...exampleEvents.RoutedRequest, features: text }),
      ).toBe(true);
    }
    const long = `{"x":"${'a'.repeat(5_000)}"}`;
    expect(certainlyValid('InferenceRequest', withFeatures(long))).toBe(true);
    expect(certainlyValid('InferenceRequest', withFeatures(long.slice(0, -1)))).toBe(false);
  });

  it('rejects what is not an object', () => {
    expect(certainlyValid('Prediction', null)).toBe(false);
    expect(certainlyValid('Prediction', 'text')).toBe(false);
  });
});
