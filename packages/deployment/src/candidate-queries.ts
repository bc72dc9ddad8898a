/** A dashboard query: its PromQL and the legend template Grafana names its series with. */
export interface LegendedQuery {
  readonly expr: string;
  readonly legendFormat?: string;
}

interface Selector {
  readonly metric: string;
  /** Label matchers by label name: operator and value (`=`, `!=`, `=~`, `!~`). */
  readonly matchers: ReadonlyMap<string, { readonly op: string; readonly value: string }>;
}

/** The `kanary_*` vector selectors of `expr` with their label matchers. */
function selectors(expr: string): Selector[] {
  return [...expr.matchAll(/\b(kanary_[a-z0-9_]+)\s*(?:\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1]!,
    matchers: new Map(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(
        (l) => [l[1]!, { op: l[2]!, value: l[3]! }],
      ),
    ),
  }));
}

/**
 * The aggregations of `expr` in prefix form (`sum by (a, b) (…)`, `max(…)`): the labels each
 * keeps (`by`) or drops (`without`); neither keeps none. The postfix form (`sum(…) by (a)`) reads
 * as an aggregation that keeps nothing, which errs on the side of a reported problem.
 */
function aggregations(expr: string): Array<{ text: string; by?: string[]; without?: string[] }> {
  const ops = 'sum|avg|min|max|count|group|stddev|stdvar|topk|bottomk|quantile|count_values';
  const pattern = new RegExp(`\\b(?:${ops})\\s*(?:(by|without)\\s*\\(([^)]*)\\)\\s*)?\\(`, 'g');
  return [...expr.matchAll(pattern)].map((m) => {
    const text = m[0].slice(0, -1).trim();
    const labels = (m[2] ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (m[1] === 'by') return { text, by: labels };
    if (m[1] === 'without') return { text, without: labels };
    return { text };
  });
}

/**
 * True when every selector of `metric` in `expr` pins `candidate=""`: Prometheus matches that to
 * series without the label, so the query sees rollouts with one canary only.
 */
export function selectsOneCanaryOnly(expr: string, metric: string): boolean {
  const of = selectors(expr).filter((s) => s.metric === metric);
  return (
    of.length > 0 &&
    of.every(
      (s) => s.matchers.get('candidate')?.op === '=' && s.matchers.get('candidate')?.value === '',
    )
  );
}

/**
 * Why `query` would mix up the candidates of an A/B/n rollout; empty when it keeps them apart.
 * `labelled` names the metrics with a `candidate` label. Such a metric's series of an A/B/n
 * rollout differ only in `candidate` — the stable arm has one series per candidate — so unless
 * the query selects rollouts with one canary only (`candidate=""`), its legend must name the
 * candidate (or Grafana draws several series under one name) and every aggregation must keep the
 * label (or it sums or picks across candidates, counting the stable's samples once per candidate).
 */
export function candidateProblems(query: LegendedQuery, labelled: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const abn = [
    ...new Set(
      selectors(query.expr)
        .filter((s) => labelled.has(s.metric))
        .map((s) => s.metric),
    ),
  ].filter((metric) => !selectsOneCanaryOnly(query.expr, metric));
  if (abn.length === 0) return problems;
  const what = abn.join(', ');
  if (!/\{\{\s*candidate\s*\}\}/.test(query.legendFormat ?? '')) {
    problems.push(`${what}: legend "${query.legendFormat ?? ''}" does not name {{candidate}}`);
  }
  for (const a of aggregations(query.expr)) {
    const keeps =
      a.by?.includes('candidate') ?? (a.without !== undefined && !a.without.includes('candidate'));
    if (!keeps) problems.push(`${what}: "${a.text}" aggregates across candidates`);
  }
  return problems;
}
