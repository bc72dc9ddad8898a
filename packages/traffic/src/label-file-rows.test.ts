import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  formatOfFile,
  labelFileRows,
  LabelFileFormat,
  type LabelFileRow,
} from './label-file-rows.js';

async function rowsOf(text: string, format: LabelFileFormat): Promise<LabelFileRow[]> {
  const rows: LabelFileRow[] = [];
  for await (const row of labelFileRows(Readable.from([text]), format)) rows.push(row);
  return rows;
}

describe('labelFileRows', () => {
  it('reads a CSV with a header, any column order, with line numbers', async () => {
    const rows = await rowsOf(
      'label,requestId,model\nrain,r-1,weather\n\nsun,r-2,weather\n',
      LabelFileFormat.CSV,
    );
    expect(rows).toEqual([
      { line: 2, row: { label: 'rain', requestId: 'r-1', model: 'weather' } },
      { line: 4, row: { label: 'sun', requestId: 'r-2', model: 'weather' } },
    ]);
  });

  it('reads a CSV without a header positionally', async () => {
    const rows = await rowsOf('r-1,rain\r\nr-2,sun,1767225600000\n', LabelFileFormat.CSV);
    expect(rows).toEqual([
      { line: 1, row: { requestId: 'r-1', label: 'rain' } },
      { line: 2, row: { requestId: 'r-2', label: 'sun', timestamp: '1767225600000' } },
    ]);
  });

  it('reports rows with the wrong number of fields and rows csv cannot parse, and goes on', async () => {
    const rows = await rowsOf(
      'requestId,label\nr-1,rain\nr-2\nr-3,sun,extra\nr-4,"unclosed\n',
      LabelFileFormat.CSV,
    );
    expect(rows[0]).toEqual({ line: 2, row: { requestId: 'r-1', label: 'rain' } });
    expect(rows[1]).toEqual({ line: 3, error: 'has 1 field(s), expected 2' });
    expect(rows[2]).toEqual({ line: 4, error: 'has 3 field(s), expected 2' });
    expect(rows[3]).toMatchObject({ line: 5 });
    expect(rows).toHaveLength(4);
  });

  it('reads outcome:<name> columns of a CSV header', async () => {
    const rows = await rowsOf(
      'requestId,label,outcome:revenue\nr-1,buy,12.5\n',
      LabelFileFormat.CSV,
    );
    expect(rows).toEqual([
      { line: 2, row: { requestId: 'r-1', label: 'buy', 'outcome:revenue': '12.5' } },
    ]);
  });

  it('rejects a header with unknown columns', async () => {
    await expect(
      rowsOf('requestId,label,colour\nr-1,a,red\n', LabelFileFormat.CSV),
    ).rejects.toThrow(/unknown CSV column\(s\) colour/);
  });

  it('reads JSON lines, reporting lines that are not JSON objects', async () => {
    const rows = await rowsOf(
      '{"requestId":"r-1","label":"rain"}\n\nnot json\n[1]\n{"requestId":"r-2","label":3}\n',
      LabelFileFormat.JSONL,
    );
    expect(rows).toEqual([
      { line: 1, row: { requestId: 'r-1', label: 'rain' } },
      expect.objectContaining({ line: 3, error: expect.stringMatching(/^not JSON/) as unknown }),
      { line: 4, error: 'not a JSON object' },
      { line: 5, row: { requestId: 'r-2', label: 3 } },
    ]);
  });

  it.each([
    ['labels.jsonl', 'jsonl'],
    ['LABELS.NDJSON', 'jsonl'],
    ['labels.csv', 'csv'],
    ['labels.txt', 'csv'],
  ])('reads %s as %s', (file, format) => {
    expect(formatOfFile(file)).toBe(format);
  });
});
