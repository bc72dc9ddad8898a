import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from './config-error.js';
import {
  type Manifest,
  type ModelArtifact,
  manifestSchema,
  modelArtifactSchema,
} from './model-artifact.js';

/** The committed artifacts of this package (`packages/models/artifacts`), from src/ or dist/ alike. */
export const DEFAULT_ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));

export const MANIFEST_FILE = 'manifest.json';

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/** Reads and validates manifest.json. */
export async function readManifest(
  artifactsDir: string = DEFAULT_ARTIFACTS_DIR,
): Promise<Manifest> {
  const path = join(artifactsDir, MANIFEST_FILE);
  return parseConfig(manifestSchema, await readJson(path), path);
}

/** Reads and validates the artifact of a model listed in the manifest. */
export async function readModelArtifact(
  name: string,
  artifactsDir: string = DEFAULT_ARTIFACTS_DIR,
): Promise<ModelArtifact> {
  const manifest = await readManifest(artifactsDir);
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry) {
    throw new Error(
      `unknown model ${JSON.stringify(name)}; ${artifactsDir} has ${manifest.models.map((m) => m.name).join(', ')}`,
    );
  }
  const path = join(artifactsDir, entry.file);
  return parseConfig(modelArtifactSchema, await readJson(path), path);
}
