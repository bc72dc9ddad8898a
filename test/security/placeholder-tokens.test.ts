import { join } from 'node:path';
import { repositoryRoot } from '@kanary/cli/service-process';
import { SHIPPED_TOKENS } from '@kanary/kafka';
import { runToExit } from '@kanary/testkit';
import { describe, expect, it } from 'vitest';

/** What a service needs besides its token to get as far as validating it (nothing is reached). */
const BASE = {
  KAFKA_BROKERS: 'kafka-1:9093',
  SCHEMA_REGISTRY_URL: 'https://registry.example:8081/apis/ccompat/v7',
};

const CASES = [
  ...SHIPPED_TOKENS.map((token) => ({
    token,
    says: "is a placeholder published in Kanary's own files",
  })),
  {
    token: 'changeme-changeme-changeme',
    says: 'looks like a placeholder (it contains "changeme")',
  },
  { token: 'your-token-goes-here', says: 'looks like a placeholder (it contains "yourtoken")' },
];
const SERVICES = [
  { service: 'router', variable: 'ROUTER_OPERATOR_TOKEN' },
  { service: 'console', variable: 'CONSOLE_OPERATOR_TOKEN' },
];

describe('placeholder operator tokens', () => {
  it.each(SERVICES.flatMap((s) => CASES.map((c) => ({ ...s, ...c }))))(
    '$service refuses $token at start-up: exit code 2, naming $variable and why, never the value',
    async ({ service, variable, token, says }) => {
      const root = repositoryRoot();
      const { code, output } = await runToExit(
        join(root, 'services', service, 'src', 'main.ts'),
        {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...BASE,
          [variable]: token,
        },
        { cwd: root },
      );
      expect(code).toBe(2);
      expect(output).toContain(`${variable} (set): ${says}`);
      expect(output).toContain('make one with: openssl rand -hex 32');
      expect(output).not.toContain(token);
    },
    60_000,
  );
});
