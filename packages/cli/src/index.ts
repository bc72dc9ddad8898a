export { buildProgram } from './program.js';
export { ExitCode, explain } from './errors.js';
export type { Output } from './output.js';
