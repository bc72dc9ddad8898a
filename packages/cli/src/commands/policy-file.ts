import { readFile } from 'node:fs/promises';
import { KanaryError } from '@kanary/contracts';
import { parsePolicy, PolicyError, type Policy } from '@kanary/rollout';

/** A rollout policy read from a file: the user's JSON (sent with START) and the validated result. */
export interface PolicyFile {
  /** The file's JSON as written (defaults are filled in by whoever judges the rollout). */
  readonly text: string;
  readonly policy: Policy;
}

/**
 * Reads and validates a policy file, so a mistake is reported before anything is published.
 * The error names the file and each offending field (`steps.2: must be greater than …`).
 */
export async function loadPolicyFile(path: string): Promise<PolicyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new KanaryError(
      'POLICY_INVALID',
      `cannot read policy file ${path}: ${(e as Error).message}`,
    );
  }
  try {
    const policy = parsePolicy(text);
    return { text: JSON.stringify(JSON.parse(text)), policy };
  } catch (e) {
    if (e instanceof PolicyError) {
      throw new KanaryError(
        'POLICY_INVALID',
        `invalid policy file ${path}: ${e.issues.join('; ')}`,
      );
    }
    throw e;
  }
}
