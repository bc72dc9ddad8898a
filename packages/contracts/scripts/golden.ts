/**
 * Records golden fixtures: for each event, the example record's Avro body as hex together with
 * the schema that wrote it. Existing fixture versions are never rewritten; when the encoding
 * of an example changes (an intended schema change), a new version is added next to the old
 * ones, and the compatibility test keeps decoding every older version with the current schema.
 *
 *   node --conditions=source --import tsx packages/contracts/scripts/golden.ts
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { avroType, eventNames, eventSchemaText, exampleEvents } from '@kanary/contracts';

const dir = fileURLToPath(new URL('../src/fixtures/', import.meta.url));
for (const event of eventNames) {
  const hex = avroType(event).toBuffer(exampleEvents[event]).toString('hex');
  const versions = readdirSync(dir)
    .filter((f) => f.startsWith(`${event}.v`))
    .sort((a, b) => parseInt(a.split('.v')[1]!) - parseInt(b.split('.v')[1]!));
  const latest = versions.at(-1);
  if (
    latest !== undefined &&
    (JSON.parse(readFileSync(join(dir, latest), 'utf8')) as { hex: string }).hex === hex
  )
    continue;
  const file = join(dir, `${event}.v${versions.length + 1}.json`);
  if (existsSync(file)) throw new Error(`${file} exists`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        event,
        schema: JSON.parse(eventSchemaText[event]) as unknown,
        value: exampleEvents[event],
        hex,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${file}`);
}
