/**
 * Latency sketches of one rollout: a DDSketch per arm for the summaries (p50/p95/p99, relative
 * error 1 %, bounded bins; Masson, Rim & Lee, VLDB 2019), and the guardrail's threshold.
 *
 * The threshold must not depend on the data it is tested on (a threshold recomputed from the
 * live window is random and correlated with the counts, and the always-valid guarantee is lost;
 * see latencyExceedanceTest). So it is fixed ONCE: from the first `referenceSamples` stable
 * latencies of the rollout (labelled within the maturity window), as maxRatio × their
 * q-quantile. Evaluations are classified "slower than the threshold" only from then on — those
 * that arrived before are not counted for latency in either arm — and the threshold never moves.
 */
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import type { LatencyThreshold } from '@kanary/rollout';
import type { Arm } from './tally.js';

const RELATIVE_ACCURACY = 0.01;
const BIN_LIMIT = 2_048;

const newSketch = (): LogCollapsingLowestDenseDDSketch =>
  new LogCollapsingLowestDenseDDSketch({
    relativeAccuracy: RELATIVE_ACCURACY,
    binLimit: BIN_LIMIT,
  });

export interface LatencyGuardrailSettings {
  readonly quantile: number;
  readonly maxRatio: number;
  readonly referenceSamples: number;
}

export class LatencyReference {
  private readonly reference = newSketch();
  private fixed: LatencyThreshold | null = null;
  private readonly summaries: Record<Arm, LogCollapsingLowestDenseDDSketch> = {
    stable: newSketch(),
    canary: newSketch(),
    shadow: newSketch(),
  };

  constructor(private readonly settings: LatencyGuardrailSettings) {}

  get threshold(): LatencyThreshold | null {
    return this.fixed;
  }

  /** Stable samples collected towards the reference (stops growing once the threshold is fixed). */
  get collected(): number {
    return this.fixed?.referenceSamples ?? this.reference.count;
  }

  /** Adds a latency to an arm's summary sketch. */
  observe(arm: Arm, latencyMs: number): void {
    this.summaries[arm].accept(Math.max(0, latencyMs));
  }

  /** Offers a stable latency to the reference window; fixes the threshold when it is full. */
  offerReference(latencyMs: number): void {
    if (this.fixed !== null) return;
    this.reference.accept(Math.max(0, latencyMs));
    if (this.reference.count < this.settings.referenceSamples) return;
    const referenceMs = this.reference.getValueAtQuantile(this.settings.quantile);
    this.fixed = Object.freeze({
      thresholdMs: this.settings.maxRatio * referenceMs,
      referenceMs,
      referenceSamples: this.reference.count,
    });
  }

  /** The q-quantile of an arm's latencies so far, or null when it has none. */
  quantile(arm: Arm, q: number): number | null {
    const sketch = this.summaries[arm];
    return sketch.count === 0 ? null : sketch.getValueAtQuantile(q);
  }
}
