import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendKind } from './backend.js';
import { BackendConfigError } from './config-error.js';
import { createBackend } from './create-backend.js';

describe('createBackend', () => {
  it.each([
    [{ kind: 'sim', classes: ['a', 'b'] }, BackendKind.SIM],
    [{ kind: 'model', name: 'weather-stump-v0' }, BackendKind.MODEL],
    [
      {
        kind: 'http',
        endpoint: { protocol: 'json', url: 'http://127.0.0.1:1/p', outputPath: 'y' },
      },
      BackendKind.HTTP,
    ],
  ])('builds the backend of kind %#', async (config, kind) => {
    expect((await createBackend(config)).kind).toBe(kind);
  });

  it.each([
    [{ kind: 'onnx' }, "kind: Invalid discriminator value. Expected 'sim' | 'model' | 'http'"],
    [
      { kind: 'sim', errorRate: 0.7, timeoutRate: 0.5 },
      'errorRate: errorRate + timeoutRate must not exceed 1',
    ],
    [
      { kind: 'sim', latency: { medianMs: '20' } },
      'latency.medianMs: Expected number, received string',
    ],
    [
      { kind: 'model', name: 'Weather Tree' },
      'name: expected an artifact name such as weather-tree-v2',
    ],
    [
      { kind: 'http', endpoint: { protocol: 'grpc' } },
      'endpoint.protocol: Invalid discriminator value',
    ],
    [
      {
        kind: 'http',
        endpoint: {
          protocol: 'kserve-v2',
          baseUrl: 'http://h',
          inputs: [{ name: 'x', features: [], datatype: 'FP8' }],
        },
      },
      'endpoint.inputs.0.datatype',
    ],
    [
      {
        kind: 'http',
        endpoint: { protocol: 'json', url: 'http://h', outputPath: 'y' },
        retry: { retries: -1 },
      },
      'retry.retries',
    ],
  ])('rejects invalid config %# with a message naming the field', async (config, message) => {
    await expect(createBackend(config)).rejects.toThrow(BackendConfigError);
    await expect(createBackend(config)).rejects.toThrow(message);
  });

  it('names the available models for an unknown one', async () => {
    await expect(createBackend({ kind: 'model', name: 'weather-forest-v9' })).rejects.toThrow(
      /unknown model "weather-forest-v9"; .* has weather-tree-v3, weather-tree-v2, weather-logreg-v1, weather-tree-v4, weather-stump-v0/,
    );
  });

  it('reads models from another artifacts directory, validating what it reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanary-artifacts-'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ models: [] }));
    await expect(
      createBackend({ kind: 'model', name: 'weather-tree-v2' }, { artifactsDir: dir }),
    ).rejects.toThrow(/invalid .*manifest\.json: dataset: Required/);
  });
});
