export {
  escapeHtml,
  lineChart,
  type ChartOptions,
  type ChartPoint,
  type ChartSeries,
} from './svg-chart.js';
export { accuracyInterval } from './arm-interval.js';
export { meanText } from './mean-text.js';
export {
  ARM_COLORS,
  armCharts,
  percent,
  rolloutCharts,
  type ArmTimeline,
  type ArmTrace,
  type ArmTracePoint,
  type ChartWording,
  type RolloutCharts,
  type RolloutSpan,
  type RolloutTimeline,
} from './rollout-charts.js';
export {
  decisionLog,
  evidenceTable,
  ROLLOUT_STYLES,
  type DecisionLogOptions,
} from './decision-log.js';
