import { KanaryError } from '@kanary/contracts';

/**
 * A changelog value this version cannot read (unknown version, wrong shape). Not retriable:
 * restoring cannot continue without losing join state, so the shell should stop rather than
 * resume with a partial store.
 */
export class ChangelogFormatError extends KanaryError {
  readonly key: string;
  constructor(key: string, message: string, cause?: unknown) {
    super('CHANGELOG_FORMAT', `changelog value for key ${JSON.stringify(key)}: ${message}`, {
      cause,
    });
    this.key = key;
  }
}
