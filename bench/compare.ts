/**
 * Compares two runs of `pnpm bench`:
 *
 *   node --conditions=source --import tsx bench/compare.ts bench/results/<old>.json bench/results/<new>.json
 *
 * One line per metric key found in both files: old median, new median and the change. Ratios to
 * a baseline are compared too (`<key> (ratio)`), since they move less with the machine's load.
 */
import { readFile } from 'node:fs/promises';
import type { RunRecord } from './lib/render-results.js';

const [oldPath, newPath] = process.argv.slice(2);
if (oldPath === undefined || newPath === undefined) {
  process.stderr.write('usage: bench/compare.ts <old.json> <new.json>\n');
  process.exit(2);
}

async function medians(
  path: string,
): Promise<{ run: RunRecord; values: Map<string, [number, string]> }> {
  const run = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
  const values = new Map<string, [number, string]>();
  for (const result of run.results) {
    for (const m of result.metrics) {
      values.set(m.key, [m.median, m.unit]);
      if (m.baseline) values.set(`${m.key} (ratio)`, [m.baseline.ratio, '×']);
    }
  }
  return { run, values };
}

const before = await medians(oldPath);
const after = await medians(newPath);
const describe = (r: RunRecord) =>
  `${r.machine.commit} ${r.machine.date} (load ${r.machine.loadAverage.join(' ')})`;
process.stdout.write(`old: ${describe(before.run)}\nnew: ${describe(after.run)}\n\n`);
const width = Math.max(...[...after.values.keys()].map((k) => k.length));
for (const [key, [value, unit]] of after.values) {
  const old = before.values.get(key);
  if (old === undefined) continue;
  const change =
    old[0] === 0 ? '' : `${(((value - old[0]) / Math.abs(old[0])) * 100).toFixed(1)} %`;
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  process.stdout.write(
    `${key.padEnd(width)}  ${fmt(old[0]).padStart(10)} → ${fmt(value).padStart(10)} ${unit.padEnd(13)} ${change.padStart(8)}\n`,
  );
}
