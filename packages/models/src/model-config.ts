import { z } from 'zod';
import { latencySchema } from './latency.js';

/** A trained model from the artifacts directory. */
export const modelConfigSchema = z
  .object({
    kind: z.literal('model'),
    /** Artifact name as listed in manifest.json, e.g. `weather-tree-v2`. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected an artifact name such as weather-tree-v2'),
    /**
     * Latency to simulate on top of the (sub-millisecond) real inference, so a demo can make a
     * canary slower than its stable version. @default { constantMs: 0 }
     */
    latency: latencySchema.default({ constantMs: 0 }),
    /** Seed of the simulated latency draws. @default 0 */
    seed: z.number().int().default(0),
  })
  .strict();

export type ModelConfig = z.input<typeof modelConfigSchema>;
export type CompiledModelConfig = z.output<typeof modelConfigSchema>;
