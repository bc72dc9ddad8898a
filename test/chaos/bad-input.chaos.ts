import { createRng } from '@kanary/stats';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { DlqHeader } from '@kanary/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadKind,
  EXPECTED_REASON,
  FUZZ_KIND_HEADER,
  badRecords,
  type BadRecord,
} from '../support/bad-records.js';
import {
  MODEL,
  exactlyOnceGroups,
  scenarioPipeline,
  sendTraffic,
  startCanary,
} from '../support/canary-scenario.js';
import { headerText, readCommitted } from '../support/committed-records.js';
import { pipelineIngresses } from '../support/fuzz-targets.js';
import { waitForGroupsCaughtUp } from '../support/group-progress.js';
import { metricSum, scrapeMetrics } from '../support/prometheus-text.js';
import { secretsInLogs } from '../support/log-secrets.js';
import {
  ALL_SERVICES,
  OPERATOR_TOKEN,
  type ServicePipeline,
  type Service,
} from '../support/service-pipeline.js';
import { publishSuiteReport } from '../support/suite-report.js';
import { httpFuzzCases, type HttpCase } from '../support/http-fuzz-cases.js';

afterAll(disconnectTestClients);

const SEED = Number(process.env.KANARY_CHAOS_SEED ?? 20_260_102);
const REQUESTS = 300;

let pipeline: ServicePipeline;
beforeAll(async () => {
  pipeline = await scenarioPipeline();
  await pipeline.startAll();
  await startCanary(pipeline);
});

afterAll(async () => {
  await pipeline?.stopAll();
  await pipeline?.deleteTopics();
});

/** What a service counts as processed on a topic (valid records it consumed). */
async function processedBy(service: Service, topic: string): Promise<number> {
  const text = await scrapeMetrics(pipeline.url(service));
  // The router's command applier counts commands by outcome (duplicates included).
  if (topic === pipeline.catalog.commands.name) return metricSum(text, 'kanary_commands_total');
  return metricSum(text, 'kanary_records_processed_total', { topic });
}

describe('bad input: every ingress keeps working and accounts for every record', () => {
  it('dead-letters random bytes, truncated Avro, unknown and wrong schema ids, semantic violations, empty and huge records with their reason: processed + dead-lettered = produced', async () => {
    const { kafka, codec, catalog } = pipeline;
    const rng = createRng(SEED);
    const ingresses = pipelineIngresses(catalog);
    const injected = new Map<string, BadRecord[]>();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      for (const ingress of ingresses) {
        const records = await badRecords(codec, ingress.target, rng);
        injected.set(ingress.target.topic.name, records);
        // One record per send: a huge one must not share a produce request with others.
        for (const record of records) {
          await producer.send({
            topic: ingress.target.topic.name,
            messages: [
              {
                key: record.key,
                value: record.value,
                headers: { [FUZZ_KIND_HEADER]: record.kind },
              },
            ],
          });
        }
      }
      // A huge but valid request (about 400 KB of features), and its label, go all the way through.
      const now = Date.now();
      const features = JSON.stringify({ trueLabel: 'rain', blob: 'x'.repeat(400 * 1024) });
      const requestId = 'huge-valid-1';
      const sendOne = async (topic: string, value: Buffer) =>
        producer.send({ topic, messages: [{ key: requestId, value }] });
      await sendOne(
        catalog.requests.name,
        await codec.encode(catalog.requests, {
          requestId,
          model: MODEL,
          routingKey: null,
          features,
          timestamp: now,
        }),
      );
      await sendOne(
        catalog.labels.name,
        await codec.encode(catalog.labels, {
          outcomes: null,
          requestId,
          model: MODEL,
          label: 'rain',
          timestamp: now,
        }),
      );
    } finally {
      await producer.disconnect();
    }
    const sent = await sendTraffic(pipeline, { count: REQUESTS, rate: 500, seed: SEED });
    expect(sent.error).toBeUndefined();

    await waitForGroupsCaughtUp(
      kafka,
      [
        ...exactlyOnceGroups(pipeline),
        { groupId: `${pipeline.prefix}.router.commands`, topics: [catalog.commands.name] },
      ],
      120_000,
    );

    // Every (ingress, consumer): processed + dead-lettered = produced, exactly (at least, on a
    // topic the pipeline keeps writing to).
    const growing = new Set(ingresses.filter((i) => i.growing === true).map((i) => i.name));
    const produced = new Map<string, number>();
    for (const ingress of ingresses) {
      const topic = ingress.target.topic.name;
      produced.set(topic, (await readCommitted(kafka, ingress.target.topic)).length);
    }
    const letters = () => readCommitted(kafka, catalog.dlq);
    const deadBy = (all: Awaited<ReturnType<typeof letters>>, service: Service, topic: string) =>
      all.filter(
        (l) =>
          headerText(l, DlqHeader.service) === service &&
          headerText(l, DlqHeader.sourceTopic) === topic,
      );
    const accounting: Array<{
      ingress: string;
      service: Service;
      produced: number;
      processed: number;
      deadLettered: number;
    }> = [];
    await waitFor(
      async () => {
        const all = await letters();
        accounting.length = 0;
        for (const ingress of ingresses) {
          const topic = ingress.target.topic.name;
          for (const service of ingress.consumers) {
            accounting.push({
              ingress: ingress.name,
              service,
              produced: produced.get(topic)!,
              processed: await processedBy(service, topic),
              deadLettered: deadBy(all, service, topic).length,
            });
          }
        }
        return accounting.every((a) =>
          growing.has(a.ingress)
            ? a.processed + a.deadLettered >= a.produced
            : a.processed + a.deadLettered === a.produced,
        );
      },
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: () => `processed + dead-lettered = produced: ${JSON.stringify(accounting)}`,
      },
    );

    // Each dead letter names the reason its kind calls for, and keeps the original bytes.
    const all = await letters();
    const reasons: string[] = [];
    for (const ingress of ingresses) {
      const topic = ingress.target.topic.name;
      for (const service of ingress.consumers) {
        const dead = deadBy(all, service, topic);
        const byKey = new Map(dead.map((l) => [l.key?.toString() ?? '', l]));
        for (const record of injected.get(topic)!) {
          const letter = byKey.get(record.key);
          const expected = EXPECTED_REASON[record.kind];
          const errorClass = letter && headerText(letter, DlqHeader.errorClass);
          const message = (letter && headerText(letter, DlqHeader.errorMessage)) ?? '';
          const ok =
            letter !== undefined &&
            errorClass === expected.errorClass &&
            expected.message.test(message) &&
            headerText(letter, FUZZ_KIND_HEADER) === record.kind &&
            (letter.value?.equals(record.value ?? Buffer.alloc(0)) ?? record.value === null);
          if (!ok)
            reasons.push(`${service} ${ingress.name} ${record.kind}: ${errorClass} ${message}`);
        }
        expect(dead.length, `${service} ${ingress.name}`).toBe(injected.get(topic)!.length);
      }
    }
    expect(reasons).toEqual([]);

    // The huge valid request went all the way through.
    const hugeEvaluations = (await readCommitted(kafka, catalog.evaluations)).filter(
      (r) => r.key?.toString() === 'huge-valid-1',
    );
    expect(hugeEvaluations).toHaveLength(1);
    expect(await codec.decode(catalog.evaluations, hugeEvaluations[0]!.value)).toMatchObject({
      model: MODEL,
      status: 'OK',
    });

    // The operator token used to start the rollout reached no log.
    expect(secretsInLogs(await pipeline.allLogs(), [OPERATOR_TOKEN])).toEqual([]);

    // Nothing crashed: one process per service, all alive and healthy.
    for (const service of ALL_SERVICES) {
      expect(pipeline.starts[service]).toBe(1);
      expect(pipeline.process(service)?.running).toBe(true);
      expect((await fetch(`${pipeline.url(service)}/healthz`)).status).toBe(200);
    }
    const kinds = Object.values(BadKind);
    await publishSuiteReport('bad-input-kafka', {
      seed: SEED,
      perIngress: ingresses.map((i) => ({
        ingress: i.name,
        topic: i.target.topic.name,
        fuzzed: Object.fromEntries(
          kinds.map((k) => [
            k,
            injected.get(i.target.topic.name)!.filter((r) => r.kind === k).length,
          ]),
        ),
      })),
      accounting,
    });
  }, 300_000);

  it('answers malformed, mistyped, oversized and unknown HTTP requests with a 4xx and a message, and stays up', async () => {
    const rng = createRng(SEED + 1);
    const cases: HttpCase[] = httpFuzzCases(pipeline, rng);
    const failures: string[] = [];
    const perTarget = new Map<string, number>();
    for (const c of cases) {
      const response = await fetch(c.url, {
        method: c.method,
        headers: c.headers,
        ...(c.body === undefined ? {} : { body: c.body }),
      });
      const text = await response.text();
      perTarget.set(c.target, (perTarget.get(c.target) ?? 0) + 1);
      const allowed = c.expect.includes(response.status);
      const explained =
        text.trim().length > 0 &&
        (!c.json || response.status < 400 || /"message":"[^"]{5,}/.test(text));
      if (!allowed || !explained) {
        failures.push(
          `${c.method} ${c.url} (${c.description}): ${response.status} ${text.slice(0, 120)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    for (const service of ALL_SERVICES) {
      expect(pipeline.process(service)?.running).toBe(true);
      expect((await fetch(`${pipeline.url(service)}/healthz`)).status).toBe(200);
    }
    await publishSuiteReport('bad-input-http', {
      seed: SEED,
      requests: Object.fromEntries(perTarget),
    });
  }, 120_000);
});
