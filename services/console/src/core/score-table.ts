import { escapeHtml, meanText } from '@kanary/charts';
import type { ArmView } from './rollout-summary.js';

/** One column of the score table: its heading and each arm's value (null: the arm has none). */
interface ScoreColumn {
  readonly heading: string;
  value(a: ArmView): number | null;
}

const FIXED: readonly ScoreColumn[] = [
  { heading: 'MAE', value: (a) => a.meanAbsError },
  { heading: 'RMSE', value: (a) => a.rootMeanSquaredError },
  { heading: 'log-loss', value: (a) => a.logLoss },
  { heading: 'Brier', value: (a) => a.brier },
];

/** An outcome's column per name some arm carries, sorted by name. */
function outcomeColumns(arms: readonly ArmView[]): ScoreColumn[] {
  const names = [...new Set(arms.flatMap((a) => Object.keys(a.outcomes)))].sort();
  return names.map((name) => ({
    heading: `outcome <code>${escapeHtml(name)}</code>`,
    value: (a) => a.outcomes[name] ?? null,
  }));
}

/**
 * Each arm's mean-based metrics so far — MAE and RMSE of numeric predictions, mean log-loss and
 * Brier score of predictions with class probabilities, each label outcome's mean — one column
 * for each metric some arm has; empty when no arm has any (a classification model without
 * probabilities shows accuracy alone, in the arms table).
 */
export function scoreTable(arms: readonly ArmView[]): string {
  const columns = [...FIXED, ...outcomeColumns(arms)].filter((c) =>
    arms.some((a) => c.value(a) !== null),
  );
  if (columns.length === 0) return '';
  const rows = arms.map((a) => {
    const cells = columns.map((c) => {
      const value = c.value(a);
      return `<td>${value === null ? '–' : meanText(value)}</td>`;
    });
    const arm = a.served ? a.role : 'shadow copies';
    return `<tr class="arm-${a.role}"><td>${arm}</td><td><code>${escapeHtml(a.variant)}</code></td>${cells.join('')}</tr>`;
  });
  const header = ['arm', 'variant', ...columns.map((c) => c.heading)];
  return `<table class="scores"><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>`;
}
