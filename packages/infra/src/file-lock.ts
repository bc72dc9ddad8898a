import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InfraError, InfraErrorCode } from './infra-error.js';
import { isProcessAlive } from './managed-process.js';

/**
 * Runs `fn` while holding an exclusive lock file, so that two test runs or an `infra:up` started at
 * the same moment do not both download or start the same broker. A lock left behind by a process
 * that no longer exists is taken over.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: { timeoutMs: number; onWait?: (holderPid: number) => void },
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + options.timeoutMs;
  let reportedHolder: number | undefined;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isProcessAlive(holder)) {
      // Empty content means the holder is between open and write; give it a moment before taking over.
      if (holder > 0 || (await isStillEmpty(path))) await rm(path, { force: true });
      continue;
    }
    if (reportedHolder !== holder) {
      reportedHolder = holder;
      options.onWait?.(holder);
    }
    if (Date.now() > deadline) {
      throw new InfraError(
        InfraErrorCode.LockTimeout,
        `Timed out waiting for lock ${path} held by pid ${holder}`,
      );
    }
    await delay(200);
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

async function isStillEmpty(path: string): Promise<boolean> {
  await delay(500);
  return (await readFile(path, 'utf8').catch(() => 'gone')).trim() === '';
}
