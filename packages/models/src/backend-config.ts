import { z } from 'zod';
import { checkHttpConfig, httpConfigObjectSchema } from './http-config.js';
import { modelConfigSchema } from './model-config.js';
import { checkSimRates, simConfigObjectSchema } from './sim-config.js';

/**
 * Config of any backend, discriminated by `kind`:
 * - `{ kind: 'sim', accuracy, latency, errorRate, timeoutRate, classes, noiseSd, seed }`
 * - `{ kind: 'model', name, latency?, seed? }` — a trained artifact such as `weather-tree-v2`
 * - `{ kind: 'http', endpoint: { protocol: 'kserve-v2' | 'json', ... }, timeoutMs, retry, overloadBackoff, headers }`
 */
export const backendConfigSchema = z
  .discriminatedUnion('kind', [simConfigObjectSchema, modelConfigSchema, httpConfigObjectSchema])
  .superRefine((config, ctx) => {
    if (config.kind === 'sim') checkSimRates(config, ctx);
    if (config.kind === 'http') checkHttpConfig(config, ctx);
  });

export type BackendConfig = z.input<typeof backendConfigSchema>;
export type CompiledBackendConfig = z.output<typeof backendConfigSchema>;
