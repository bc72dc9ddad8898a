import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureInfra,
  InfraErrorCode,
  localLauncherAvailability,
  probeKafka,
  startKafka,
  stopKafka,
} from '@kanary/infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectedAdmin,
  connectedProducer,
  freePort,
  kafkaForTests,
  uniqueTopic,
  waitFor,
} from '../src/index.js';

let stateDir: string;
const servers: Server[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'kanary-launcher-test-'));
});

afterAll(async () => {
  // close() waits for open connections, and a client that gave up may not have closed its socket.
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await stopKafka({ stateDir });
  await rm(stateDir, { recursive: true, force: true });
});

/** Without Java or Maven the launcher must say so rather than fail obscurely; true if it can run. */
const launcherUsable = async (): Promise<boolean> => {
  if ((await localLauncherAvailability()).available) return true;
  await expect(ensureInfra({ stateDir })).rejects.toMatchObject({
    code: expect.stringMatching(/JAVA|MAVEN/),
  });
  return false;
};

const listen = async (server: Server): Promise<number> => {
  const port = await freePort();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return port;
};

describe('local launcher', () => {
  it('reuses running infrastructure instead of starting it twice', async () => {
    if (!(await launcherUsable())) return;
    const first = await ensureInfra();
    const second = await ensureInfra();
    try {
      expect(second.startedByUs).toBe(false);
      expect(second.started).toEqual({ kafka: false, registry: false });
      expect(second.brokers).toEqual(first.brokers);
      expect(second.registryUrl).toEqual(first.registryUrl);
      expect(await probeKafka(second.brokers)).toEqual({ clusterId: expect.any(String) });
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('refuses a Kafka port held by something that is not a broker, naming the variable', async () => {
    // Accepts connections and never answers, like a stuck or unrelated service.
    const kafkaPort = await listen(createServer());
    const attempt = ensureInfra({
      stateDir,
      components: ['kafka'],
      kafkaPort,
      controllerPort: await freePort(),
    });

    await expect(attempt).rejects.toMatchObject({
      code: InfraErrorCode.PortInUse,
      message: expect.stringMatching(
        new RegExp(`Port ${kafkaPort} \\(KANARY_KAFKA_PORT\\).*not answer as a Kafka broker`),
      ),
    });
    expect(await readdir(join(stateDir, 'kafka')).catch(() => [])).not.toContain('kafka.pid');
  });

  it('refuses a registry port held by an HTTP server that is not a schema registry', async () => {
    const registryPort = await listen(
      createHttpServer((_request, response) => response.writeHead(404).end('not a registry')),
    );
    const attempt = ensureInfra({ stateDir, components: ['registry'], registryPort });

    await expect(attempt).rejects.toMatchObject({
      code: InfraErrorCode.PortInUse,
      message: expect.stringContaining(`Port ${registryPort} (KANARY_REGISTRY_PORT)`),
    });
  });

  it('restarts a stopped or killed broker on its data, as the chaos tests need', async () => {
    if (!(await launcherUsable())) return;
    const ports = { stateDir, kafkaPort: await freePort(), controllerPort: await freePort() };
    const handle = await ensureInfra({ ...ports, components: ['kafka'] });
    const kafka = kafkaForTests({ brokers: [...handle.brokers] });
    try {
      expect(handle.started.kafka).toBe(true);
      const topic = uniqueTopic('restart');
      const admin = await connectedAdmin(kafka);
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = await connectedProducer({}, kafka);
      await producer.send({ topic, messages: [{ value: 'before-restart' }] });
      await producer.disconnect();

      expect(await stopKafka(ports)).toBe(true);
      expect(await probeKafka(handle.brokers, 1_000)).toBeUndefined();
      const restarted = await startKafka(ports);
      expect(restarted.startedByUs).toBe(true);

      const after = await connectedAdmin(kafka);
      const offsets = await waitFor(async () => {
        const [partition] = await after.fetchTopicOffsets(topic);
        return partition?.high === '1' && partition;
      });
      expect(offsets).toMatchObject({ partition: 0, low: '0', high: '1' });

      // A crash: the broker starts again at once on the same port (a killed JVM's main thread
      // exits before its other threads, which still hold the listening socket for a moment).
      expect(await stopKafka({ ...ports, signal: 'SIGKILL' })).toBe(true);
      expect((await startKafka(ports)).startedByUs).toBe(true);
      const [partition] = await waitFor(() => after.fetchTopicOffsets(topic));
      expect(partition).toMatchObject({ partition: 0, high: '1' });
      await after.disconnect();
    } finally {
      await handle.stop();
    }
    expect(await probeKafka(handle.brokers, 1_000)).toBeUndefined();
  });
});
