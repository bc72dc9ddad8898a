/**
 * The evidence a task keeps in its changelog (`\u0000e` entries, see `evidenceStateKey`): every
 * bucket changed by a commit, as the evidence record in JSON under its evidence key, so a
 * restored task continues from the committed state (the evidence topic has a bucket's changes
 * only at its publication points).
 */
import { semanticIssues, type ArmEvidence } from '@kanary/contracts';
import { EvidenceFolder } from '@kanary/evidence';
import { changelogText, evidenceStateKey, type ChangelogEntry } from '@kanary/join';

/** The changelog entry of an evidence record. */
export function evidenceStateEntry(record: ArmEvidence): ChangelogEntry {
  return { key: evidenceStateKey(EvidenceFolder.keyOf(record)), value: JSON.stringify(record) };
}

/**
 * An evidence record kept in the changelog, read back on restore. One written before means and
 * segments existed has neither (JSON, unlike Avro, fills no defaults): read as having none.
 *
 * @throws Error naming the key when the value is not a valid evidence record.
 */
export function evidenceFromChangelog(entry: ChangelogEntry): ArmEvidence {
  const parsed: unknown = entry.value === null ? null : JSON.parse(changelogText(entry.value));
  const value =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? ({ means: [], segments: [], ...(parsed as Partial<ArmEvidence>) } as ArmEvidence)
      : null;
  const issues = value === null ? ['not an object'] : semanticIssues('ArmEvidence', value);
  if (value === null || issues.length > 0) {
    throw new Error(
      `malformed evidence entry ${JSON.stringify(entry.key)} in the changelog: ${issues.join('; ')}`,
    );
  }
  return value;
}
