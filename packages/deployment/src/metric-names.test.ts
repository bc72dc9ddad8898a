import { describe, expect, it } from 'vitest';
import { configVariables } from './config-variables.js';
import { declaredMetricNames, isDeclared, promqlMetricNames } from './metric-names.js';

describe('metric names', () => {
  it('reads the kanary_* names of a PromQL expression once each', () => {
    expect(
      promqlMetricNames(
        'sum by (v) (kanary_a_total{m="x"}) / (sum(kanary_a_total) + kanary_b{kanary_label="1"})',
      ),
    ).toEqual(['kanary_a_total', 'kanary_b']);
  });

  it('finds declared names in string literals only, and accepts the series of a histogram', () => {
    const declared = declaredMetricNames([
      "m.counter('kanary_routed_total', 'help')",
      'new Histogram({ name: "kanary_latency_seconds" })',
      '// kanary_in_a_comment',
    ]);
    expect(isDeclared('kanary_routed_total', declared)).toBe(true);
    expect(isDeclared('kanary_latency_seconds_bucket', declared)).toBe(true);
    expect(isDeclared('kanary_routed_total_bucket', declared)).toBe(true);
    expect(isDeclared('kanary_in_a_comment', declared)).toBe(false);
    expect(isDeclared('kanary_process_process_resident_memory_bytes', declared)).toBe(true);
  });

  it('lists a config module’s variables with the shared ones', () => {
    const vars = configVariables(
      'const s = z.object({\n  ROUTER_HTTP_PORT: envField.int(8080),\n  notAVar: 1,\n});',
    );
    expect(vars.has('ROUTER_HTTP_PORT')).toBe(true);
    expect(vars.has('KAFKA_BROKERS')).toBe(true);
    expect(vars.has('notAVar')).toBe(false);
  });
});
