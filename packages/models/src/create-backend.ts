import { readModelArtifact } from './artifact-loader.js';
import type { ModelBackend } from './backend.js';
import { backendConfigSchema } from './backend-config.js';
import { parseConfig } from './config-error.js';
import { createHttpBackend } from './http-backend.js';
import { createModelBackend } from './model-backend.js';
import { createSimBackend } from './sim-backend.js';

export interface CreateBackendOptions {
  /** Where `model` backends find manifest.json and artifacts. @default this package's artifacts/ */
  readonly artifactsDir?: string;
}

/**
 * Builds the backend a config (a `BackendConfig`, or raw JSON to validate) describes. Throws BackendConfigError, naming each invalid field,
 * for an invalid config, and an error listing the available models for an unknown model name.
 */
export async function createBackend(
  config: unknown,
  options: CreateBackendOptions = {},
): Promise<ModelBackend> {
  const parsed = parseConfig(backendConfigSchema, config, 'backend config');
  switch (parsed.kind) {
    case 'sim':
      return createSimBackend(parsed);
    case 'model': {
      const artifact = await readModelArtifact(parsed.name, options.artifactsDir);
      return createModelBackend(artifact, { latency: parsed.latency, seed: parsed.seed });
    }
    case 'http':
      return createHttpBackend(parsed);
  }
}
