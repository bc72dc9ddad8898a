import { rolloutGauges } from '@kanary/decision';
import { metricFactory, Registry, type MetricFactory } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { candidateProblems, selectsOneCanaryOnly } from './candidate-queries.js';
import { declaredMetricNames, isDeclared, promqlMetricNames } from './metric-names.js';
import { listRepoFiles, readRepoFile } from './repo-files.js';

interface Target {
  expr: string;
  legendFormat?: string;
  datasource: { uid: string };
}
interface Panel {
  type: string;
  title: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  description?: string;
  datasource?: { uid: string };
  targets?: Target[];
  fieldConfig?: {
    overrides: Array<{
      matcher: { id: string; options: string };
      properties: Array<{ id: string; value: unknown }>;
    }>;
  };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: {
    list: Array<{ name: string; query: { query: string }; datasource: { uid: string } }>;
  };
}

const dashboard = JSON.parse(
  readRepoFile('deploy/grafana/dashboards/kanary-rollout.json'),
) as Dashboard;
const datasource = (
  parse(readRepoFile('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
    datasources: Array<{ uid: string }>;
  }
).datasources[0]!.uid;
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const sources = [...listRepoFiles('services', ['.ts']), ...listRepoFiles('packages', ['.ts'])]
  .filter((f) => /\/src\//.test(f) && !f.endsWith('.test.ts'))
  .map(readRepoFile);
const declared = declaredMetricNames(sources);

/**
 * The metrics with a `candidate` label, as the decision service declares them: its rollout gauges
 * registered through a factory that notes each metric's label names.
 */
function candidateLabelled(): Set<string> {
  const real = metricFactory(new Registry());
  const labelled = new Set<string>();
  const note = (name: string, labels: readonly string[]) => {
    if (labels.includes('candidate')) labelled.add(name);
  };
  const noting: MetricFactory = {
    counter: (name, help, labels = []) => {
      note(name, labels);
      return real.counter(name, help, labels);
    },
    gauge: (name, help, labels = []) => {
      note(name, labels);
      return real.gauge(name, help, labels);
    },
    histogram: (name, help, labels = [], buckets) => {
      note(name, labels);
      return real.histogram(name, help, labels, buckets);
    },
  };
  rolloutGauges(noting);
  return labelled;
}

describe('Grafana dashboard "Kanary rollout"', () => {
  it('queries only metrics the services really export', () => {
    const exprs = [
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.query.query),
    ];
    const used = [...new Set(exprs.flatMap(promqlMetricNames))];
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter((m) => !isDeclared(m, declared))).toEqual([]);
  });

  it('finds the metrics it needs in the code (the check above can fail)', () => {
    expect(isDeclared('kanary_rollout_arm_accuracy_upper', declared)).toBe(true);
    expect(isDeclared('kanary_prediction_latency_seconds_bucket', declared)).toBe(true);
    expect(isDeclared('kanary_rollout_arm_accuracy_median', declared)).toBe(false);
  });

  it('has a panel for each thing a rollout is judged by', () => {
    const titles = panels.map((p) => p.title);
    for (const wanted of [
      /^Canary weight$/,
      /^Accuracy per arm \(band: always-valid 95 % interval\)$/,
      /^Latency quantiles/,
      /^Label coverage/,
      /^Decisions$/,
      /^Decision lag$/,
      /^Evidence lag per source partition$/,
    ]) {
      expect(
        titles.some((t) => wanted.test(t)),
        String(wanted),
      ).toBe(true);
    }
  });

  it('reads per-arm numbers from the decision service’s exact gauges; only label coverage, which nothing exact exports, sums the evaluator instances’ gauges', () => {
    const exprs = (p: Panel) => (p.targets ?? []).map((t) => t.expr).join('\n');
    const perInstance = panels.filter((p) => /\bkanary_variant_/.test(exprs(p)));
    expect(perInstance.map((p) => p.title)).toEqual(['Label coverage per arm']);
    expect(perInstance[0]!.description).toMatch(/rebalance/);
    for (const title of [/^Accuracy per arm/, /^Latency quantiles/, /^Labelled samples judged/]) {
      const panel = panels.find((p) => title.test(p.title))!;
      expect(exprs(panel), String(title)).toMatch(/\bkanary_rollout_arm_/);
    }
  });

  it("shows the scorecard's other metrics from the decision service's gauges: numeric error, probability scores, outcomes, accuracy per segment", () => {
    const metricsOf = (title: string) => {
      const panel = panels.find((p) => p.title === title);
      expect(panel, title).toBeDefined();
      return (panel!.targets ?? []).map((t) => [promqlMetricNames(t.expr), t.legendFormat]);
    };
    const abn = (legend: string) => `candidate {{candidate}}: ${legend}`;
    expect(metricsOf('Numeric error per arm (MAE, RMSE)')).toEqual([
      [['kanary_rollout_arm_mae'], '{{role}} {{variant}} MAE'],
      [['kanary_rollout_arm_rmse'], '{{role}} {{variant}} RMSE'],
      [['kanary_rollout_arm_mae'], abn('{{role}} {{variant}} MAE')],
      [['kanary_rollout_arm_rmse'], abn('{{role}} {{variant}} RMSE')],
    ]);
    expect(metricsOf('Probability scores per arm (log-loss, Brier)')).toEqual([
      [['kanary_rollout_arm_log_loss'], '{{role}} {{variant}} log-loss'],
      [['kanary_rollout_arm_brier'], '{{role}} {{variant}} Brier'],
      [['kanary_rollout_arm_log_loss'], abn('{{role}} {{variant}} log-loss')],
      [['kanary_rollout_arm_brier'], abn('{{role}} {{variant}} Brier')],
    ]);
    expect(metricsOf('Outcome means per arm')).toEqual([
      [['kanary_rollout_arm_outcome_mean'], '{{role}} {{variant}} {{outcome}}'],
      [['kanary_rollout_arm_outcome_mean'], abn('{{role}} {{variant}} {{outcome}}')],
    ]);
    expect(metricsOf('Accuracy per segment')).toEqual([
      [['kanary_rollout_arm_segment_accuracy'], '{{role}} {{segment}}'],
      [['kanary_rollout_arm_segment_accuracy'], abn('{{role}} {{segment}}')],
    ]);
  });

  describe('A/B/n rollouts: several candidates against one stable', () => {
    const labelled = candidateLabelled();
    const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

    it('finds the gauges with a candidate label in the decision service’s code', () => {
      for (const name of [
        'kanary_rollout_info',
        'kanary_rollout_step',
        'kanary_rollout_arm_accuracy',
        'kanary_rollout_arm_latency_seconds',
        'kanary_rollout_arm_segment_accuracy',
      ]) {
        expect(labelled, name).toContain(name);
      }
      expect(labelled).not.toContain('kanary_decisions_total');
    });

    it('keeps the candidates apart wherever a query can see them: legended by candidate, never aggregated across', () => {
      const queried = targets.filter((t) => promqlMetricNames(t.expr).some((m) => labelled.has(m)));
      expect(queried.length).toBeGreaterThan(10);
      expect(
        queried.flatMap((t) => candidateProblems(t, labelled).map((p) => `${t.panel}: ${p}`)),
      ).toEqual([]);
    });

    it('draws every gauge with a candidate label twice in its panel: rollouts with one canary as before, and each candidate of an A/B/n one', () => {
      for (const { title: panel, targets: list = [] } of panels) {
        const metrics = new Set(list.flatMap((t) => promqlMetricNames(t.expr)));
        for (const metric of [...metrics].filter((m) => labelled.has(m))) {
          const of = list.filter((t) => promqlMetricNames(t.expr).includes(metric));
          const oneCanary = of.filter((t) => selectsOneCanaryOnly(t.expr, metric));
          const candidates = of.filter((t) => !selectsOneCanaryOnly(t.expr, metric));
          expect(oneCanary.length, `${panel}: ${metric} without candidates`).toBeGreaterThan(0);
          expect(candidates.length, `${panel}: ${metric} per candidate`).toBeGreaterThan(0);
          // These series have no candidate label: a legend naming it would print an empty name,
          // and the accuracy band's overrides match the two-arm names exactly.
          for (const t of oneCanary) expect(t.legendFormat, panel).not.toMatch(/candidate/);
        }
      }
    });
  });

  it('lays panels out without overlaps', () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos!;
      for (let i = x; i < x + w; i += 1) {
        for (let j = y; j < y + h; j += 1) {
          expect(cells.has(`${i},${j}`), `${p.title} at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it('shows the evidence lag per source partition beside the lowest watermark’s', () => {
    const byTitle = (title: string) => panels.find((p) => p.title === title)!;
    const [lowest] = byTitle('Decision lag').targets!;
    expect(promqlMetricNames(lowest!.expr)).toEqual(['kanary_decision_lag_seconds']);
    const [perPartition] = byTitle('Evidence lag per source partition').targets!;
    expect(promqlMetricNames(perPartition!.expr)).toEqual(['kanary_decision_evidence_lag_seconds']);
    expect(perPartition!.expr).toMatch(/by \(partition\)/);
    expect(perPartition!.legendFormat).toContain('{{partition}}');
  });

  it('uses the provisioned Prometheus data source everywhere', () => {
    const uids = [
      ...panels.map((p) => p.datasource?.uid),
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.datasource.uid)),
      ...dashboard.templating.list.map((v) => v.datasource.uid),
    ];
    expect(new Set(uids)).toEqual(new Set([datasource]));
  });

  it('shades the interval between series the accuracy queries do produce, and dashes an A/B/n rollout’s bounds', () => {
    const accuracy = panels.find((p) => p.title.startsWith('Accuracy per arm'))!;
    const legends = accuracy.targets!.map((t) => t.legendFormat ?? '');
    const abn = (legend: string) => `candidate {{candidate}}: ${legend}`;
    const twoArm = ['{{role}} {{variant}}', '{{role}} lower', '{{role}} upper'];
    expect(legends).toEqual([...twoArm, ...twoArm.map(abn)]);
    const overrides = accuracy.fieldConfig!.overrides;
    const fills = overrides.flatMap((o) =>
      o.properties
        .filter((p) => p.id === 'custom.fillBelowTo')
        .map((p) => [o.matcher.options, p.value]),
    );
    for (const role of ['STABLE', 'CANARY', 'SHADOW']) {
      expect(fills).toContainEqual([`${role} upper`, `${role} lower`]);
    }
    // A matcher written as /…/ is a regular expression in Grafana.
    const dashed = overrides.find((o) => o.matcher.id === 'byRegexp')!;
    const pattern = new RegExp(dashed.matcher.options.slice(1, -1));
    const sample = { role: 'STABLE', variant: 'v1', candidate: 'v2' };
    const render = (legend: string) =>
      legend.replace(/\{\{(\w+)\}\}/g, (_, l: keyof typeof sample) => sample[l]);
    expect(pattern.test(render(abn('{{role}} lower')))).toBe(true);
    expect(pattern.test(render(abn('{{role}} upper')))).toBe(true);
    expect(pattern.test(render(abn('{{role}} {{variant}}')))).toBe(false);
    expect(pattern.test(render('{{role}} lower'))).toBe(false);
    expect(dashed.properties).toContainEqual({
      id: 'custom.lineStyle',
      value: { fill: 'dash', dash: [4, 4] },
    });
  });

  it('is selectable by model and rollout', () => {
    expect(dashboard.uid).toBe('kanary-rollout');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['model', 'rollout']);
  });
});
