/**
 * Generates TypeScript types from the Avro schemas in /schemas, which are the single source of
 * truth for the wire. `pnpm --filter @kanary/contracts generate` rewrites src/generated; the test
 * `generated.test.ts` fails when the checked-in files differ from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { renderGenerated } from './render.js';

for (const file of renderGenerated()) {
  writeFileSync(file.path, file.content);
  console.log(`wrote ${file.path}`);
}
