export {
  escapeHtml,
  lineChart,
  type ChartOptions,
  type ChartPoint,
  type ChartSeries,
} from './svg-chart.js';
export { accuracyInterval } from './arm-interval.js';
export {
  ARM_COLORS,
  percent,
  rolloutCharts,
  type RolloutCharts,
  type RolloutTimeline,
} from './rollout-charts.js';
export {
  decisionLog,
  evidenceTable,
  ROLLOUT_STYLES,
  type DecisionLogOptions,
} from './decision-log.js';
