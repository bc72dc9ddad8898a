export type * from './core/engine-types.js';
