import { describe, expect, it } from 'vitest';
import { requestSegment } from './request-segment.js';

describe('requestSegment', () => {
  it.each<[string, string, string | null]>([
    ['a string as it is', '{"region":"north","t":1}', 'north'],
    ['a string with spaces kept', '{"region":" north west "}', ' north west '],
    ['an integer as JSON writes it', '{"region":7}', '7'],
    ['a fraction as JSON writes it', '{"region":2.5}', '2.5'],
    ['an exponent as JSON writes it', '{"region":1e21}', '1e+21'],
    ['a boolean', '{"region":false}', 'false'],
    ['a missing field', '{"t":1}', null],
    ['null', '{"region":null}', null],
    ['an empty string', '{"region":""}', null],
    ['a blank string', '{"region":"  "}', null],
    ['an object', '{"region":{"name":"north"}}', null],
    ['an array', '{"region":["north"]}', null],
    ['a nested field of that name', '{"where":{"region":"north"}}', null],
    ['features that are an array', '[{"region":"north"}]', null],
    ['features that are not JSON', '{region: north}', null],
    ['an escaped field name', '{"re\\u0067ion":"south"}', 'south'],
  ])('reads %s', (_name, features, expected) => {
    expect(requestSegment(features, 'region')).toBe(expected);
  });

  it('never reads a prototype member as a feature', () => {
    expect(requestSegment('{}', 'constructor')).toBeNull();
    expect(requestSegment('{"__proto__":"x"}', '__proto__')).toBe('x');
  });
});
