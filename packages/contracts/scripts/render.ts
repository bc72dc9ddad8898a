import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toTypeScript } from '@ovotech/avro-ts';

/** Folder holding the `.avsc` files (repository root `schemas/`). */
export const schemasDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));
const generatedDir = fileURLToPath(new URL('../src/generated/', import.meta.url));

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

const header =
  '// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.\n';

/** Renders one TypeScript module per schema plus an index; pure apart from reading the schemas. */
export function renderGenerated(): GeneratedFile[] {
  const files = readdirSync(schemasDir)
    .filter((f) => f.endsWith('.avsc'))
    .sort();
  // avro-ts drives the TypeScript 4 compiler API, which warns about deprecated factory calls.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const out: GeneratedFile[] = files.map((file) => {
      const schema: unknown = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
      const ts = toTypeScript(schema as Parameters<typeof toTypeScript>[0]);
      return {
        path: join(generatedDir, file.replace(/\.avsc$/, '.ts')),
        content: header + ts + '\n',
      };
    });
    const index = files
      .map((file) => {
        const mod = file.replace(/\.avsc$/, '');
        const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as { name: string };
        return `export type { ${schema.name} } from './${mod}.js';\nexport { DevKanaryV1 as ${schema.name}Module } from './${mod}.js';`;
      })
      .join('\n');
    out.push({ path: join(generatedDir, 'index.ts'), content: header + index + '\n' });
    return out;
  } finally {
    console.warn = warn;
  }
}
