import { accuracyInterval, ARM_COLORS, type ArmTrace, type ChartWording } from '@kanary/charts';
import { armRole } from './arm-role.js';
import type { ArmSeries } from './evidence-series.js';

/** What the evidence charts show, in the words under and above them. */
export const EVIDENCE_WORDING: ChartWording = {
  xLabel: 'seconds since start (event time)',
  latencyTitle: 'Latency quantiles per time slot (dashed p50, solid p95)',
  coverageTitle: 'Label coverage per time slot (labelled within the window ÷ routed)',
};

/**
 * The arms' lines over event time, one point at the end of each slot: accuracy of everything
 * labelled up to there (cumulative, so the always-valid interval applies: it covers however
 * often it is looked at), and the slot's own latency quantiles and label coverage (a slot whose
 * window is still open is still filling up).
 */
export function armTraces(series: readonly ArmSeries[]): ArmTrace[] {
  return series.map(({ arm, slots }) => {
    const role = armRole(arm.role);
    let labelled = 0;
    let correct = 0;
    return {
      name: `${role} ${arm.variant}`,
      shortName: role,
      color: ARM_COLORS[role],
      points: slots.map((slot) => {
        labelled += slot.counts.labelled;
        correct += slot.counts.correct;
        return {
          at: slot.end,
          accuracy: labelled > 0 ? correct / labelled : null,
          interval: accuracyInterval({ labelled, correct }),
          latencyP50: slot.latency.quantile(0.5),
          latencyP95: slot.latency.quantile(0.95),
          coverage:
            slot.counts.routed > 0 ? Math.min(1, slot.counts.labelled / slot.counts.routed) : null,
        };
      }),
    };
  });
}
