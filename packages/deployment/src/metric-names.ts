import { createMetricsRegistry } from '@kanary/observability';

/** Suffixes Prometheus adds to the series of a histogram or summary. */
const SERIES_SUFFIXES = ['_bucket', '_sum', '_count'];

/** The `kanary_*` metric names a PromQL expression refers to. */
export function promqlMetricNames(expr: string): string[] {
  // Label matchers and grouping clauses name labels, not metrics.
  const metricsOnly = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...new Set([...metricsOnly.matchAll(/\bkanary_[a-z0-9_]+/g)].map((m) => m[0]))];
}

/**
 * The metric names declared in source code: every string literal that is a whole `kanary_*`
 * name (`'kanary_routed_total'`), plus the process metrics every service registry carries
 * (`kanary_process_*`, named by prom-client, so read from a registry).
 */
export function declaredMetricNames(sources: readonly string[]): Set<string> {
  const names = new Set(
    createMetricsRegistry('check')
      .getMetricsAsArray()
      .map((m) => m.name),
  );
  for (const source of sources) {
    for (const m of source.matchAll(/['"`](kanary_[a-z0-9_]+)['"`]/g)) names.add(m[1]!);
  }
  return names;
}

/** True when `series` is a declared metric or one of a declared histogram's series. */
export function isDeclared(series: string, declared: ReadonlySet<string>): boolean {
  if (declared.has(series)) return true;
  return SERIES_SUFFIXES.some(
    (s) => series.endsWith(s) && declared.has(series.slice(0, -s.length)),
  );
}
