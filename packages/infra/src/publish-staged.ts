import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Moves a fully downloaded `staging` directory to `home/name` and marks `home` complete. Downloads
 * go to a private staging directory first so that a crash or a concurrent download never leaves a
 * half-written directory that looks usable; if another process finished first, ours is discarded.
 */
export async function publishStaged(
  staging: string,
  home: string,
  name: string,
  alreadyComplete: () => boolean,
): Promise<void> {
  if (alreadyComplete()) {
    await rm(staging, { recursive: true, force: true });
    return;
  }
  await mkdir(home, { recursive: true });
  // A leftover without the completion marker is from an interrupted run.
  await rm(join(home, name), { recursive: true, force: true });
  await rename(staging, join(home, name));
  await writeFile(join(home, '.complete'), `${new Date().toISOString()}\n`);
}
