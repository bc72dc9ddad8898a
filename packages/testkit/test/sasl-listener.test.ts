import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInfra, type InfraHandle, localLauncherAvailability } from '@kanary/infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedAdmin, freePort, kafkaForTests } from '../src/index.js';

// A private broker with an extra SASL_PLAINTEXT listener and a SCRAM user created at format time:
// the launcher's extension points for authentication tests (PLAINTEXT stays for inter-broker use).
let stateDir: string;
let broker: InfraHandle | undefined;
let saslPort: number;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'kanary-sasl-test-'));
  if (!(await localLauncherAvailability()).available) return;
  saslPort = await freePort();
  broker = await ensureInfra({
    stateDir,
    components: ['kafka'],
    kafkaPort: await freePort(),
    controllerPort: await freePort(),
    extraListeners: [{ name: 'SASL', port: saslPort, securityProtocol: 'SASL_PLAINTEXT' }],
    kafkaConfig: {
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
      'listener.name.sasl.scram-sha-256.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    },
    scramCredentials: [{ mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'alice-secret' }],
  });
});

afterAll(async () => {
  await broker?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const adminAs = (password: string) =>
  connectedAdmin(
    kafkaForTests({
      brokers: [`127.0.0.1:${saslPort}`],
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password },
      retry: { retries: 0 },
    }),
  );

describe('SASL/SCRAM listener on the local broker', () => {
  it('accepts the SCRAM user created at format time and rejects a wrong password', async () => {
    if (!broker) {
      // No Java/Maven here: the launcher must say so rather than fail obscurely.
      await expect(ensureInfra({ stateDir, components: ['kafka'] })).rejects.toMatchObject({
        code: expect.stringMatching(/JAVA|MAVEN/),
      });
      return;
    }

    const admin = await adminAs('alice-secret');
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();

    await expect(adminAs('wrong-secret')).rejects.toThrow(/authentication failed/i);
  });
});
