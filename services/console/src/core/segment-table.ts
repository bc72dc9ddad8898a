import { escapeHtml, meanText, percent } from '@kanary/charts';
import type { ArmView, SegmentView } from './rollout-summary.js';

/** Segment rows a page shows at most (the JSON API has them all). */
export const SEGMENT_ROWS = 32;

/** The segments of every arm, the most labelled over all arms first (ties by name). */
function segmentNames(arms: readonly ArmView[]): string[] {
  const labelled = new Map<string, number>();
  for (const a of arms) {
    for (const s of a.segments)
      labelled.set(s.segment, (labelled.get(s.segment) ?? 0) + s.labelled);
  }
  return [...labelled.keys()].sort(
    (x, y) => (labelled.get(y) as number) - (labelled.get(x) as number) || (x < y ? -1 : 1),
  );
}

function accuracyCell(s: SegmentView | undefined): string {
  if (s === undefined || s.accuracy === null) return '<td>–</td>';
  const interval =
    s.accuracyLower === null || s.accuracyUpper === null
      ? ''
      : ` [${percent(s.accuracyLower)}, ${percent(s.accuracyUpper)}]`;
  return `<td>${percent(s.accuracy)}${interval}</td>`;
}

/**
 * Per segment (rows) and arm (columns): labelled evaluations, accuracy with its always-valid
 * 95 % interval, and MAE for an arm of numeric predictions; empty when no prediction named a
 * segment. The decision judges the primary metric within each segment too (its evidence rows
 * `metric [segment]`); this is what the evidence holds so far.
 */
export function segmentTable(arms: readonly ArmView[]): string {
  const names = segmentNames(arms);
  if (names.length === 0) return '';
  const header = ['segment'];
  for (const a of arms) {
    const arm = a.served ? a.role : 'shadow';
    header.push(`${arm} labelled`, `${arm} accuracy [always-valid 95 %]`);
    if (a.meanAbsError !== null) header.push(`${arm} MAE`);
  }
  const rows = names.slice(0, SEGMENT_ROWS).map((name) => {
    const cells = arms.map((a) => {
      const s = a.segments.find((x) => x.segment === name);
      const mae =
        a.meanAbsError === null ? '' : `<td>${s?.mae == null ? '–' : meanText(s.mae)}</td>`;
      return `<td>${s?.labelled ?? 0}</td>${accuracyCell(s)}${mae}`;
    });
    return `<tr><td><code>${escapeHtml(name)}</code></td>${cells.join('')}</tr>`;
  });
  const more =
    names.length > SEGMENT_ROWS
      ? `<p class="muted">${names.length - SEGMENT_ROWS} more segments in the JSON API.</p>`
      : '';
  return `<table class="segments"><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>${more}`;
}
