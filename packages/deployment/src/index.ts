export { REPO_ROOT, listRepoFiles, readRepoFile } from './repo-files.js';
export { configVariables } from './config-variables.js';
export { interpolate } from './compose-interpolation.js';
export { declaredMetricNames, isDeclared, promqlMetricNames } from './metric-names.js';
export {
  candidateProblems,
  selectsOneCanaryOnly,
  type LegendedQuery,
} from './candidate-queries.js';
