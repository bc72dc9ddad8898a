import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repositoryRoot } from '@kanary/cli/service-process';

/**
 * Prints what a reliability suite measured (counts, kills, timings) and keeps it in
 * `.kanary/test-reports/<name>.json`, so the numbers of the last run can be looked up.
 */
export async function publishSuiteReport(name: string, report: object): Promise<void> {
  const text = JSON.stringify(report, null, 2);
  process.stdout.write(`[${name}] ${text}\n`);
  const dir = join(repositoryRoot(), '.kanary', 'test-reports');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${text}\n`);
}
