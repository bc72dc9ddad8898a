/**
 * When the next metrics snapshot is due, checkpointed under `SNAPSHOT_SCHEDULE_KEY` so that a
 * restored processor emits snapshots at the same moments as one that never stopped.
 * Value: `{"v":1,"n":nextSnapshotAt}` (epoch ms).
 */
import { ChangelogFormatError } from './changelog-format-error.js';
import { SNAPSHOT_SCHEDULE_KEY, type ChangelogEntry } from './changelog.js';
import { parseVersionedJson } from './versioned-json.js';

const VERSION = 1;

export function encodeSnapshotSchedule(nextSnapshotAt: number): ChangelogEntry {
  return { key: SNAPSHOT_SCHEDULE_KEY, value: JSON.stringify({ v: VERSION, n: nextSnapshotAt }) };
}

export function decodeSnapshotSchedule(value: string): number {
  const { n } = parseVersionedJson(SNAPSHOT_SCHEDULE_KEY, value, VERSION);
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ChangelogFormatError(SNAPSHOT_SCHEDULE_KEY, 'malformed snapshot schedule');
  }
  return n;
}
