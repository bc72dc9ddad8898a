export { buildProgram } from './program.js';
export { ExitCode, explain } from './errors.js';
export type { Output } from './output.js';
export { runDemo, type DemoOptions, type DemoResult } from './demo/run-demo.js';
export { DEMO_SCENARIOS, type DemoScenario } from './demo/demo-scenarios.js';
export { outcomeLine } from './demo/demo-progress.js';
export type { ScenarioRecord } from './demo/report-html.js';
