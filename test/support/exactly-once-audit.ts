/** What counting outputs by identity found, against what was expected. */
export interface ExactlyOnceAudit {
  /** Records read. */
  readonly records: number;
  /** Distinct identities among them. */
  readonly distinct: number;
  /** Identities seen more than once, with how often (at most 10 listed). */
  readonly duplicated: readonly string[];
  /** Expected identities never seen (at most 10 listed) and their number. */
  readonly missing: readonly string[];
  readonly missingCount: number;
  /** Identities seen that were not expected (at most 10 listed) and their number. */
  readonly unexpected: readonly string[];
  readonly unexpectedCount: number;
  /** Identities seen more than once, in all. */
  readonly duplicatedCount: number;
}

const SHOWN = 10;

/**
 * Counts records by identity (e.g. `requestId|variant`) and compares with the expected set:
 * exactly once means `records === distinct === expected.size` with nothing missing or unexpected.
 */
export function auditExactlyOnce(
  identities: Iterable<string>,
  expected: ReadonlySet<string>,
): ExactlyOnceAudit {
  const counts = new Map<string, number>();
  let records = 0;
  for (const id of identities) {
    records += 1;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const duplicated = [...counts].filter(([, n]) => n > 1);
  const missing = [...expected].filter((id) => !counts.has(id));
  const unexpected = [...counts.keys()].filter((id) => !expected.has(id));
  return {
    records,
    distinct: counts.size,
    duplicated: duplicated.slice(0, SHOWN).map(([id, n]) => `${id} ×${n}`),
    duplicatedCount: duplicated.length,
    missing: missing.slice(0, SHOWN),
    missingCount: missing.length,
    unexpected: unexpected.slice(0, SHOWN),
    unexpectedCount: unexpected.length,
  };
}

/** The audit of a perfect exactly-once output of `n` records, for `toEqual`. */
export const exactlyOnce = (n: number): ExactlyOnceAudit => ({
  records: n,
  distinct: n,
  duplicated: [],
  duplicatedCount: 0,
  missing: [],
  missingCount: 0,
  unexpected: [],
  unexpectedCount: 0,
});
