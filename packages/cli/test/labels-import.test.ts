import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { cliFixture, collectDecoded } from './support.js';

afterAll(() => disconnectTestClients());

const tempFile = async (name: string, text: string): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'kanary-labels-')), name);
  await writeFile(file, text);
  return file;
};

describe('kanary labels import', () => {
  it('imports the good rows of a CSV, reports the bad ones by line number, exits 1', async () => {
    const f = await cliFixture();
    const csv = [
      'requestId,label,timestamp',
      'r-1,rain,1767225600000',
      'r-2,,1767225600000', // no label
      'r-3,sun,2026-01-01T12:00:00Z',
      'r-4,fog,1767225600', // seconds, not milliseconds
      'r-5,snow',
      'r-6,rain,1767225600000,extra',
      '',
      'r-7,drizzle,1767225600000',
    ].join('\n');
    const file = await tempFile('labels.csv', csv);
    const labels = await collectDecoded(f, f.catalog.labels);
    const result = await f.kanary(
      'labels',
      'import',
      file,
      '--model',
      'weather',
      '--batch-size',
      '2',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      `${file}:3: label is missing`,
      `${file}:5: timestamp 1767225600 is not epoch milliseconds between 2000 and 2100 (seconds?)`,
      `${file}:7: has 4 field(s), expected 3`,
    ]);
    expect(result.stdout.at(-1)).toBe(
      `imported 4 of 7 rows from ${file} to ${f.catalog.labels.name}; 3 bad rows skipped`,
    );

    const received = await labels.waitFor(4);
    expect(received.map((l) => l.requestId).sort()).toEqual(['r-1', 'r-3', 'r-5', 'r-7']);
    expect(received.find((l) => l.requestId === 'r-3')).toMatchObject({
      label: 'sun',
      model: 'weather',
      timestamp: Date.parse('2026-01-01T12:00:00Z'),
    });
    expect(received.find((l) => l.requestId === 'r-5')!.timestamp).toBeGreaterThan(
      Date.parse('2026-01-01'),
    );
    await labels.stop();
  });

  it('imports a clean JSONL file with per-row models and exits 0', async () => {
    const f = await cliFixture();
    const lines = Array.from({ length: 1_200 }, (_, i) =>
      JSON.stringify({
        requestId: `q-${i}`,
        label: i % 2 ? 'a' : 'b',
        model: `m${i % 3}`,
        timestamp: 1_767_225_600_000 + i,
      }),
    );
    const file = await tempFile('labels.jsonl', `${lines.join('\n')}\n`);
    const labels = await collectDecoded(f, f.catalog.labels);
    const result = await f.kanary('labels', 'import', file);
    expect(result).toMatchObject({ code: 0, stderr: [] });
    expect(result.stdout.at(-1)).toBe(
      `imported 1200 of 1200 rows from ${file} to ${f.catalog.labels.name}`,
    );
    const received = await labels.waitFor(1_200);
    expect(new Set(received.map((l) => l.requestId)).size).toBe(1_200);
    expect(received.find((l) => l.requestId === 'q-7')).toEqual({
      requestId: 'q-7',
      label: 'a',
      model: 'm1',
      timestamp: 1_767_225_600_007,
      // A row without outcome columns: the label's optional outcomes, read back as null.
      outcomes: null,
    });
    await labels.stop();
  });

  it('says which rows lack a model when neither a column nor --model gives one', async () => {
    const f = await cliFixture();
    const file = await tempFile('labels.csv', 'r-1,rain\n');
    const result = await f.kanary('labels', 'import', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      `${file}:1: model is missing (add a model column or pass --model)`,
    ]);
  });

  it('exits 2 for a file that does not exist', async () => {
    const f = await cliFixture({ topics: false });
    const result = await f.kanary('labels', 'import', '/nonexistent/labels.csv', '--model', 'm');
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toMatch(/^error: cannot read \/nonexistent\/labels\.csv/);
  });
});
