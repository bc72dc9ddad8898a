import { collectMessages, disconnectTestClients, testInfra } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exactlyOnceGroups,
  scenarioEnv,
  sendTraffic,
  startCanary,
} from '../support/canary-scenario.js';
import { exactlyOnce } from '../support/exactly-once-audit.js';
import { waitForGroupsCaughtUp } from '../support/group-progress.js';
import { secretsInLogs } from '../support/log-secrets.js';
import { auditPipeline, readPipeline } from '../support/pipeline-audit.js';
import { PrivateBroker } from '../support/private-broker.js';
import { ALL_SERVICES, OPERATOR_TOKEN, ServicePipeline } from '../support/service-pipeline.js';
import { publishSuiteReport } from '../support/suite-report.js';
import { brokerCertificate, type BrokerCertificate } from '../support/tls-certificate.js';

afterAll(disconnectTestClients);

const USER = 'kanary-service';
const PASSWORD = 'scram-secret-1f8c3a9e';
const LISTENER = 'SASLTLS';
const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

// A broker of its own needs a JDK: without one the suite is reported as skipped, with the reason.
const privateBroker = await PrivateBroker.availability();

let broker: PrivateBroker | undefined;
let certificate: BrokerCertificate;
let pipeline: ServicePipeline | undefined;
/** The pipeline the suite's beforeAll started (which throws when it cannot). */
const runningPipeline = (): ServicePipeline => {
  if (pipeline === undefined) throw new Error('the pipeline was not started');
  return pipeline;
};

describe.skipIf(!privateBroker.available)(
  `Kafka authentication: SASL/SCRAM over TLS${privateBroker.skipped}`,
  () => {
    // A broker of this file's own whose client listener takes only TLS with SCRAM-SHA-256 (its
    // PLAINTEXT listener stays for the broker's own use).
    beforeAll(async () => {
      certificate = await brokerCertificate();
      broker = await PrivateBroker.start({
        extraListeners: [{ name: LISTENER, port: 0, securityProtocol: 'SASL_SSL' }],
        kafkaConfig: {
          'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
          [`listener.name.${LISTENER.toLowerCase()}.scram-sha-256.sasl.jaas.config`]: SCRAM_LOGIN,
          'ssl.keystore.type': 'PKCS12',
          'ssl.keystore.location': certificate.keystore,
          'ssl.keystore.password': certificate.password,
          'ssl.key.password': certificate.password,
        },
        scramCredentials: [{ mechanism: 'SCRAM-SHA-256', username: USER, password: PASSWORD }],
      });
      pipeline = await ServicePipeline.create({
        brokers: [broker.listener(LISTENER)],
        registryUrl: testInfra().registryUrl,
        serviceEnv: scenarioEnv(),
        env: {
          KAFKA_SASL_MECHANISM: 'scram-sha-256',
          KAFKA_SASL_USERNAME: USER,
          KAFKA_SASL_PASSWORD: PASSWORD,
          KAFKA_TLS: 'true',
          KAFKA_TLS_CA_FILE: certificate.caFile,
          // Everything the services and kafkajs log, to look for the password in it.
          LOG_LEVEL: 'debug',
        },
        client: {
          ssl: { ca: [certificate.caPem] },
          sasl: { mechanism: 'scram-sha-256', username: USER, password: PASSWORD },
        },
      });
    }, 240_000);

    afterAll(async () => {
      await pipeline?.stopAll();
      await broker?.close();
    });

    it('every service connects with the credentials and CA from its configuration; the pipeline works end to end and no password reaches a log', async () => {
      const pipeline = runningPipeline();
      const evaluations = await collectMessages(pipeline.catalog.evaluations.name, {
        kafka: pipeline.kafka,
        map: () => null,
      });
      try {
        await pipeline.startAll();
        await startCanary(pipeline);
        expect(
          (await sendTraffic(pipeline, { count: 500, rate: 500, seed: 7 })).error,
        ).toBeUndefined();
        await evaluations.waitFor(500, 120_000);
      } finally {
        await evaluations.stop();
      }
      await waitForGroupsCaughtUp(pipeline.kafka, exactlyOnceGroups(pipeline), 60_000);
      const audit = auditPipeline(await readPipeline(pipeline));
      expect(audit.routed).toEqual(exactlyOnce(500));
      expect(audit.predictions).toEqual(exactlyOnce(500));
      expect(audit.evaluations).toEqual(exactlyOnce(500));
      await pipeline.stopAll();
      const logs = await pipeline.allLogs();
      // Debug output was captured from every service (kafkajs connections included).
      for (const [file, text] of logs) expect(text, file).toContain('"level":20');
      expect(secretsInLogs(logs, [PASSWORD, certificate.password, OPERATOR_TOKEN])).toEqual([]);
    }, 240_000);

    it('refuses to start with a wrong password or without trusting the broker certificate: exit code 1 and a message that says why', async () => {
      const pipeline = runningPipeline();
      const cases: Array<{ name: string; env: Record<string, string>; message: RegExp }> = [
        {
          name: 'wrong password',
          env: { KAFKA_SASL_PASSWORD: 'not-the-password' },
          message: /SASL SCRAM SHA256 authentication failed/,
        },
        {
          name: 'broker certificate not trusted',
          env: { KAFKA_TLS_CA_FILE: '' },
          message: /self[- ]signed certificate/i,
        },
      ];
      const outcomes: Array<{ service: string; case: string; exit: number | null; says: boolean }> =
        [];
      for (const c of cases) {
        await pipeline.stopAll();
        const before = new Map<string, number>();
        for (const service of ALL_SERVICES)
          before.set(service, (await pipeline.logs(service)).length);
        const exits = await Promise.all(
          ALL_SERVICES.map((service) => pipeline.spawn(service, c.env).exitedWith()),
        );
        for (const [i, service] of ALL_SERVICES.entries()) {
          const output = (await pipeline.logs(service)).slice(before.get(service));
          outcomes.push({
            service,
            case: c.name,
            exit: exits[i]!.code,
            says: c.message.test(output),
          });
        }
      }
      await publishSuiteReport('broker-authentication', { outcomes });
      expect(outcomes.filter((o) => o.exit !== 1 || !o.says)).toEqual([]);
      expect(secretsInLogs(await pipeline.allLogs(), [PASSWORD, 'not-the-password'])).toEqual([]);
    }, 300_000);
  },
);
