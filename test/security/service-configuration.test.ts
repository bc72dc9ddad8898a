import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '@kanary/cli/service-process';
import { loadDecisionConfig } from '@kanary/decision';
import { loadConfig as loadEvaluatorConfig } from '@kanary/evaluator';
import type { KafkaConnectionConfig } from '@kanary/kafka';
import { loadConfig as loadWorkerConfig } from '@kanary/model-worker';
import { loadRouterConfig } from '@kanary/router';
import { runToExit } from '@kanary/testkit';
import { describe, expect, it } from 'vitest';
import { ALL_SERVICES, type Service } from '../support/service-pipeline.js';

const BASE = {
  KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093',
  SCHEMA_REGISTRY_URL: 'https://registry.example:8081/apis/ccompat/v7',
  WORKER_VARIANTS: JSON.stringify({ v1: { kind: 'sim', classes: ['a', 'b'] } }),
};

/** Every service's configuration loader, down to its Kafka connection settings. */
const CONNECTION: Record<Service, (env: Record<string, string>) => KafkaConnectionConfig> = {
  router: (env) => loadRouterConfig(env).connection,
  'model-worker': (env) => loadWorkerConfig(env).connection,
  evaluator: (env) => loadEvaluatorConfig(env).connection,
  decision: (env) => loadDecisionConfig(env).connection,
};

const SASL_PASSWORD = 'sasl-secret-77d2e1';
const REGISTRY_PASSWORD = 'registry-secret-0c41fb';

/** Runs a service's main with only `env` (and PATH, HOME) until it exits. */
function runService(service: Service, env: Record<string, string>) {
  const root = repositoryRoot();
  return runToExit(
    join(root, 'services', service, 'src', 'main.ts'),
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    { cwd: root },
  );
}

describe('security settings reach every service', () => {
  it.each(ALL_SERVICES)(
    '%s: SASL, TLS (CA, client certificate and key) and registry credentials come from its environment',
    async (service) => {
      const dir = await mkdtemp(join(tmpdir(), 'kanary-tls-config-'));
      const files = { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' };
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      const connection = CONNECTION[service]({
        ...BASE,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'kanary',
        KAFKA_SASL_PASSWORD: SASL_PASSWORD,
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: join(dir, 'ca'),
        KAFKA_TLS_CERT_FILE: join(dir, 'cert'),
        KAFKA_TLS_KEY_FILE: join(dir, 'key'),
        KAFKA_TLS_REJECT_UNAUTHORIZED: 'true',
        SCHEMA_REGISTRY_USERNAME: 'kanary-registry',
        SCHEMA_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
      });
      expect(connection).toMatchObject({
        brokers: ['kafka-1:9093', 'kafka-2:9093'],
        sasl: { mechanism: 'scram-sha-512', username: 'kanary', password: SASL_PASSWORD },
        ssl: { rejectUnauthorized: true, ca: files.ca, cert: files.cert, key: files.key },
        registry: { auth: { username: 'kanary-registry', password: REGISTRY_PASSWORD } },
      });
    },
  );

  const INVALID: Array<{ problem: string; env: Record<string, string>; names: string }> = [
    {
      problem: 'an unknown SASL mechanism',
      env: { KAFKA_SASL_MECHANISM: 'kerberos' },
      names: 'KAFKA_SASL_MECHANISM',
    },
    {
      problem: 'an unreadable CA file',
      env: {
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'kanary',
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem',
      },
      names: 'KAFKA_TLS_CA_FILE',
    },
  ];
  it.each(ALL_SERVICES.flatMap((service) => INVALID.map((c) => ({ service, ...c }))))(
    '$service: $problem stops start-up with exit code 2, naming the variable and never a secret',
    async ({ service, env, names }) => {
      const { code, output } = await runService(service, {
        ...BASE,
        ...env,
        KAFKA_SASL_PASSWORD: SASL_PASSWORD,
        SCHEMA_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
        ROUTER_OPERATOR_TOKEN: 'op-token-short',
      });
      expect(code).toBe(2);
      expect(output).toContain(names);
      // The router's token is too short: named, its value not shown.
      if (service === 'router') expect(output).toContain('ROUTER_OPERATOR_TOKEN (set)');
      for (const secret of [SASL_PASSWORD, REGISTRY_PASSWORD, 'op-token-short']) {
        expect(output).not.toContain(secret);
      }
    },
    60_000,
  );
});
