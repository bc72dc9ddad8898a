import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envField, loadEnvConfig } from './env.js';
import { placeholderTokenReason, SHIPPED_TOKENS } from './placeholder-token.js';

describe('placeholderTokenReason', () => {
  it.each([
    ['local-dev-operator-token', /published in Kanary's own files/],
    ['REPLACE-ME-WITH-A-RANDOM-TOKEN', /published in Kanary's own files/],
    ['change-me-change-me', /contains "changeme"/],
    ['CHANGEME_please_1234', /contains "changeme"/],
    ['<your-token-here-1234>', /contains "yourtoken"/],
    ['router-test-operator-token', /contains "operatortoken"/],
    ['my-super-secret-value', /contains "secret"/],
    ['a-long-enough-password', /contains "password"/],
    ['xxxxxxxx-xxxx-xxxx-xxxx', /contains "xxxx"/],
    ['kanary-demo-key-1f2e3d4c', /contains "demo"/],
    ['TEST_1f2e3d4c5b6a7988', /contains "test"/],
    ['deadbeefdeadbeefdeadbeef', /contains "deadbeef"/],
    ['0123456789abcdef', /counting or keyboard run/],
    ['1234567890123456', /counting or keyboard run/],
    ['qwertyuiopasdfgh', /counting or keyboard run/],
    ['aaaaaaaaaaaaaaaaaaaa', /fewer than 5 distinct characters/],
    ['abcabcabcabcabcabcabc', /fewer than 5 distinct characters/],
    ['----------------', /fewer than 5 distinct characters/],
  ])('refuses %s', (token, reason) => {
    expect(placeholderTokenReason(token)).toMatch(reason);
  });

  it.each([
    ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
    ['openssl rand -hex 16', () => randomBytes(16).toString('hex')],
    ['openssl rand -base64 32', () => randomBytes(32).toString('base64')],
    ['uuid-like', () => crypto.randomUUID()],
  ])('accepts random tokens (%s)', (_, make) => {
    for (let i = 0; i < 5_000; i++) {
      const token = make();
      expect(placeholderTokenReason(token), token).toBeUndefined();
    }
  });

  it('knows the values shipped in the repository in lower case', () => {
    for (const token of SHIPPED_TOKENS) expect(token).toBe(token.toLowerCase());
  });
});

describe('envField.token', () => {
  const schema = z.object({ SOME_OPERATOR_TOKEN: envField.token() });

  it('refuses a placeholder at start-up, naming the variable and saying why, without the value', () => {
    const load = () =>
      loadEnvConfig(schema, { SOME_OPERATOR_TOKEN: 'replace-me-with-a-random-token' });
    expect(load).toThrow(
      /SOME_OPERATOR_TOKEN \(set\): is a placeholder published in Kanary's own files, so anyone can read it; make one with: openssl rand -hex 32/,
    );
    expect(load).not.toThrow(/replace-me/);
  });

  it('says "too short" alone for a short value, and accepts a random one or none', () => {
    expect(() => loadEnvConfig(schema, { SOME_OPERATOR_TOKEN: 'test' })).toThrow(
      /SOME_OPERATOR_TOKEN \(set\): must be at least 16 characters$/,
    );
    const token = randomBytes(16).toString('hex');
    expect(loadEnvConfig(schema, { SOME_OPERATOR_TOKEN: token }).SOME_OPERATOR_TOKEN).toBe(token);
    expect(loadEnvConfig(schema, {}).SOME_OPERATOR_TOKEN).toBeUndefined();
  });
});
