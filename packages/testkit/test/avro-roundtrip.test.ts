import { afterAll, describe, expect, it } from 'vitest';
import {
  createTopics,
  disconnectTestClients,
  produceEncoded,
  registerAvroSchema,
  schemaRegistryForTests,
  testInfra,
  uniqueTopic,
  waitForDecodedMessages,
} from '../src/index.js';

const scoreV1 = {
  type: 'record',
  name: 'Score',
  namespace: 'dev.kanary.testkit',
  fields: [
    { name: 'requestId', type: 'string' },
    { name: 'score', type: 'double' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }, // epoch ms, as in our contracts
  ],
};

afterAll(disconnectTestClients);

describe('schema registry and Kafka round trip', () => {
  it('registers an Avro schema, produces Confluent-framed records and decodes them after consuming', async () => {
    const [topic] = await createTopics([uniqueTopic('avro')]);
    if (!topic) throw new Error('no topic');
    const schemaId = await registerAvroSchema(`${topic}-value`, scoreV1);
    const at = 1_700_000_000_000;

    await produceEncoded(topic, schemaId, [
      { key: 'r-1', value: { requestId: 'r-1', score: 0.25, at } },
      { key: 'r-2', value: { requestId: 'r-2', score: 0.75, at } },
    ]);
    const records = await waitForDecodedMessages<{ requestId: string; score: number; at: number }>(
      topic,
      2,
    );

    expect(records.map((r) => r.decoded)).toEqual([
      expect.objectContaining({ requestId: 'r-1', score: 0.25, at }),
      expect.objectContaining({ requestId: 'r-2', score: 0.75, at }),
    ]);
    expect(records.map((r) => r.key?.toString())).toEqual(['r-1', 'r-2']);
    // Confluent wire format: magic byte 0, then the 4-byte big-endian schema id.
    const value = records[0]?.value;
    expect(value?.readUInt8(0)).toBe(0);
    expect(value?.readUInt32BE(1)).toBe(schemaId);
  });

  it('rejects a schema change that breaks BACKWARD compatibility, as a Confluent registry would', async () => {
    const subject = `${uniqueTopic('compat')}-value`;
    await registerAvroSchema(subject, scoreV1);
    const withDefault = {
      ...scoreV1,
      fields: [...scoreV1.fields, { name: 'note', type: ['null', 'string'], default: null }],
    };
    const withoutDefault = {
      ...scoreV1,
      fields: [...scoreV1.fields, { name: 'variant', type: 'string' }],
    };

    await expect(registerAvroSchema(subject, withDefault)).resolves.toEqual(expect.any(Number));
    await expect(registerAvroSchema(subject, withoutDefault)).rejects.toThrow(/incompatible/i);
  });

  it('deletes a subject (deletion is enabled for tests)', async () => {
    const subject = `${uniqueTopic('delete')}-value`;
    const id = await registerAvroSchema(subject, scoreV1);
    const registry = schemaRegistryForTests();
    expect(await registry.getLatestSchemaId(subject)).toBe(id);

    const base = testInfra().registryUrl;
    const response = await fetch(`${base}/subjects/${subject}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    const subjects = (await (await fetch(`${base}/subjects`)).json()) as string[];
    expect(subjects).not.toContain(subject);
  });
});
