import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { avroType, exampleEvents, type InferenceRequest } from '@kanary/contracts';
import {
  collectMessages,
  connectedAdmin,
  connectedProducer,
  disconnectTestClients,
  waitFor,
  waitForMessages,
} from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { DlqHeader, dlqHeader } from '../src/index.js';
import { copyRunner, toolkitFixture, type ToolkitFixture } from './support.js';

afterAll(() => disconnectTestClients());

const request = (i: number): InferenceRequest => ({
  ...exampleEvents.InferenceRequest,
  requestId: `r-${i}`,
  routingKey: `u-${i % 7}`,
});

async function produceRequests(f: ToolkitFixture, from: number, count: number): Promise<void> {
  const producer = await connectedProducer({ idempotent: true });
  const messages = await Promise.all(
    Array.from({ length: count }, async (_, k) => ({
      key: `r-${from + k}`,
      value: await f.codec.encode(f.catalog.requests, request(from + k)),
    })),
  );
  await producer.send({ topic: f.catalog.requests.name, messages, acks: -1 });
}

describe('ProcessorRunner on the broker', () => {
  it('dead-letters every undecodable or invalid record with its reason and processes the rest', async () => {
    const f = await toolkitFixture();
    const id = await f.codec.register(f.catalog.requests);
    const header = (schemaId: number) => {
      const h = Buffer.alloc(5);
      h.writeInt32BE(schemaId, 1);
      return h;
    };
    const valid = await Promise.all(
      Array.from({ length: 30 }, (_, i) => f.codec.encode(f.catalog.requests, request(i))),
    );
    const labelId = await f.codec.register(f.catalog.labels);
    const bad: Array<{ value: Buffer; reason: RegExp; errorClass: string }> = [
      {
        value: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03]),
        reason: /not Confluent wire format/,
        errorClass: 'DecodeError',
      },
      {
        value: Buffer.from('hello, world'),
        reason: /not Confluent wire format/,
        errorClass: 'DecodeError',
      },
      {
        value: Buffer.concat([header(987_654), Buffer.from([2, 3, 4])]),
        reason: /unknown schema id 987654/,
        errorClass: 'DecodeError',
      },
      {
        value: valid[0]!.subarray(0, valid[0]!.length - 9),
        reason: /cannot decode InferenceRequest/,
        errorClass: 'DecodeError',
      },
      {
        value: Buffer.concat([
          header(labelId),
          avroType('GroundTruthLabel').toBuffer(exampleEvents.GroundTruthLabel),
        ]),
        reason: /not a compatible InferenceRequest schema/,
        errorClass: 'DecodeError',
      },
      {
        // Valid Avro, but the timestamp is in seconds: a semantic rule the wire cannot express.
        value: Buffer.concat([
          header(id),
          avroType('InferenceRequest').toBuffer({ ...request(99), timestamp: 1_767_225_600 }),
        ]),
        reason: /timestamp: must be epoch milliseconds/,
        errorClass: 'ValidationError',
      },
    ];
    // Interleave the bad records among the valid ones, all on one partition so order is kept.
    const messages = valid.flatMap((v, i) => {
      const b = bad[i];
      return b
        ? [
            { key: `bad-${i}`, value: b.value },
            { key: `r-${i}`, value: v },
          ]
        : [{ key: `r-${i}`, value: v }];
    });
    const producer = await connectedProducer();
    await producer.send({
      topic: f.catalog.requests.name,
      messages: messages.map((m) => ({ ...m, partition: 0 })),
      acks: -1,
    });

    const runner = copyRunner(f, `${f.prefix}.dlq-test`);
    await runner.start();
    try {
      const outputs = await waitForMessages(f.catalog.labels.name, valid.length, {
        timeoutMs: 60_000,
      });
      const dead = await waitForMessages(f.catalog.dlq.name, bad.length, { timeoutMs: 60_000 });
      await waitFor(() => runner.stats.processed + runner.stats.deadLettered === messages.length, {
        timeoutMs: 30_000,
        description: () => JSON.stringify(runner.stats),
      });
      expect(new Set(outputs.map((o) => o.key?.toString()))).toEqual(
        new Set(valid.map((_, i) => `r-${i}`)),
      );
      expect(dead).toHaveLength(bad.length);
      for (const [i, b] of bad.entries()) {
        const d = dead.find((x) => x.key?.toString() === `bad-${i}`);
        expect(d, `bad-${i} in the DLQ`).toBeDefined();
        expect(d!.value).toEqual(b.value);
        expect(dlqHeader(d!.headers, DlqHeader.errorMessage)).toMatch(b.reason);
        expect(dlqHeader(d!.headers, DlqHeader.errorClass)).toBe(b.errorClass);
        expect(dlqHeader(d!.headers, DlqHeader.sourceTopic)).toBe(f.catalog.requests.name);
        expect(dlqHeader(d!.headers, DlqHeader.service)).toBe('toolkit-test');
        expect(Number(dlqHeader(d!.headers, DlqHeader.sourceOffset))).toBeGreaterThanOrEqual(0);
      }
      expect(runner.stats.processed).toBe(valid.length);
      expect(runner.stats.deadLettered).toBe(bad.length);
    } finally {
      await runner.stop();
    }
  });

  it('a crash before commit leaves no visible output, and the records are processed again after restart', async () => {
    const f = await toolkitFixture();
    const total = 40;
    await produceRequests(f, 0, total);
    const worker = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
    const spawnWorker = (crash: boolean) =>
      spawn(process.execPath, ['--conditions=source', '--import', 'tsx', worker], {
        env: {
          ...process.env,
          ...f.env,
          KANARY_INSTANCE_ID: 'crash-1',
          CRASH_BEFORE_COMMIT: crash ? '1' : '0',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });

    const crashing = spawnWorker(true);
    const exit = await new Promise<NodeJS.Signals | number | null>((resolve) =>
      crashing.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    expect(exit).toBe('SIGKILL');
    // The aborted outputs were written (visible to read_uncommitted) but never committed.
    const uncommitted = await waitForMessages(f.catalog.labels.name, 1, {
      isolation: 'read_uncommitted',
      timeoutMs: 30_000,
    });
    expect(uncommitted.length).toBeGreaterThan(0);
    const admin = await connectedAdmin();
    const offsets = await admin.fetchOffsets({
      groupId: `${f.prefix}.crash-test`,
      topics: [f.catalog.requests.name],
    });
    expect(offsets[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);

    const committed = await collectMessages(f.catalog.labels.name, { isolation: 'read_committed' });
    const healthy = spawnWorker(false);
    try {
      await committed.waitFor(total, 90_000);
      // Let the healthy worker commit its offsets, then check nothing more than `total` appears.
      await waitFor(
        async () => {
          const o = await admin.fetchOffsets({
            groupId: `${f.prefix}.crash-test`,
            topics: [f.catalog.requests.name],
          });
          return o[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) === total;
        },
        { timeoutMs: 30_000 },
      );
      const keys = committed.records.map((r) => r.key?.toString());
      expect(keys).toHaveLength(total);
      expect(new Set(keys).size).toBe(total);
    } finally {
      healthy.kill('SIGTERM');
      await committed.stop();
    }
  });

  it('a graceful stop commits what was processed: a restarted runner does not process it again', async () => {
    const f = await toolkitFixture();
    const group = `${f.prefix}.graceful`;
    await produceRequests(f, 0, 25);
    const first = copyRunner(f, group);
    await first.start();
    await waitFor(() => first.stats.processed === 25, { timeoutMs: 60_000 });
    await first.stop();

    const second = copyRunner(f, group);
    await second.start();
    try {
      await produceRequests(f, 25, 10);
      await waitFor(() => second.stats.processed === 10, { timeoutMs: 60_000 });
      const outputs = await waitForMessages(f.catalog.labels.name, 35, { timeoutMs: 30_000 });
      expect(outputs).toHaveLength(35);
      expect(second.stats.processed).toBe(10);
    } finally {
      await second.stop();
    }
  });

  it('without committed offsets: catchUp waits for the rebuild (past a final commit marker), a restart re-reads everything, the group is deleted on stop', async () => {
    const f = await toolkitFixture();
    // The inputs end with a transaction's commit marker, which no batch hands to the processor.
    const kafka = f.kafka;
    const txProducer = kafka.producer({
      transactionalId: `${f.prefix}.rebuild-input`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await txProducer.connect();
    const txn = await txProducer.transaction();
    await txn.send({
      topic: f.catalog.requests.name,
      messages: await Promise.all(
        Array.from({ length: 20 }, async (_, i) => ({
          key: `r-${i}`,
          value: await f.codec.encode(f.catalog.requests, request(i)),
        })),
      ),
    });
    await txn.commit();
    await txProducer.disconnect();
    await connectedProducer().then((p) =>
      p.send({
        topic: f.catalog.requests.name,
        messages: [{ key: 'bad', value: Buffer.from('x') }],
      }),
    );

    const admin = await connectedAdmin();
    const rebuild = async (groupId: string) => {
      const seen: string[] = [];
      const runner = copyRunner(f, groupId, {
        mode: 'at-least-once',
        commitOffsets: false,
        process: (records) => {
          seen.push(...records.map((r) => r.value.requestId));
          return Promise.resolve([]);
        },
      });
      await runner.start();
      await runner.catchUp(60_000);
      // Everything before the call is processed the moment catchUp resolves.
      expect(new Set(seen).size).toBe(20);
      expect(seen).toHaveLength(20);
      expect(runner.stats.deadLettered).toBe(1);
      const offsets = await admin.fetchOffsets({ groupId, topics: [f.catalog.requests.name] });
      expect(offsets[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
      await runner.stop();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).not.toContain(groupId);
    };
    await rebuild(`${f.prefix}.rebuild.1`);
    await rebuild(`${f.prefix}.rebuild.2`);
    expect(() => copyRunner(f, `${f.prefix}.x`, { commitOffsets: false })).toThrow(
      /commits offsets in its transactions/,
    );
  });
});
