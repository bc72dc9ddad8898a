import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repositoryRoot } from '@kanary/cli/service-process';

/** Where the reliability suites keep their reports (and a failed run's evidence). */
export const REPORT_DIR = join(repositoryRoot(), '.kanary', 'test-reports');

/**
 * Prints what a reliability suite measured (counts, kills, timings) and keeps it in
 * `.kanary/test-reports/<name>.json`, so the numbers of the last run can be looked up.
 */
export async function publishSuiteReport(name: string, report: object): Promise<void> {
  const text = JSON.stringify(report, null, 2);
  process.stdout.write(`[${name}] ${text}\n`);
  await mkdir(REPORT_DIR, { recursive: true });
  await writeFile(join(REPORT_DIR, `${name}.json`), `${text}\n`);
}
