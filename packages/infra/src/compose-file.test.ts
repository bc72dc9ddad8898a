import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEFAULT_KAFKA_PORT,
  DEFAULT_KAFKA_VERSION,
  DEFAULT_REGISTRY_PORT,
  DEFAULT_REGISTRY_VERSION,
} from './infra-config.js';
import { registryImageEnvironment } from './registry-node.js';
import { singleNodeImageEnvironment } from './server-properties.js';
import { findRepoRoot } from './repo-root.js';

interface ComposeService {
  image: string;
  ports: string[];
  environment: Record<string, string>;
}

const compose = parse(readFileSync(join(findRepoRoot(), 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml matches the local launcher', () => {
  const kafka = compose.services.kafka;
  const registry = compose.services['schema-registry'];

  it('runs the same versions', () => {
    expect(kafka?.image).toBe(`apache/kafka:${DEFAULT_KAFKA_VERSION}`);
    expect(registry?.image).toBe(`apicurio/apicurio-registry:${DEFAULT_REGISTRY_VERSION}`);
  });

  it('publishes the same ports, and the broker advertises the published one', () => {
    expect(kafka?.ports).toEqual([`127.0.0.1:${DEFAULT_KAFKA_PORT}:${DEFAULT_KAFKA_PORT}`]);
    expect(kafka?.environment.KAFKA_ADVERTISED_LISTENERS).toContain(
      `PLAINTEXT://127.0.0.1:${DEFAULT_KAFKA_PORT}`,
    );
    expect(registry?.ports).toEqual([`127.0.0.1:${DEFAULT_REGISTRY_PORT}:8080`]);
  });

  it('applies every single-node broker setting with the same value', () => {
    expect(kafka?.environment).toMatchObject(singleNodeImageEnvironment());
  });

  it('applies every registry setting with the same value', () => {
    expect(registry?.environment).toMatchObject(registryImageEnvironment());
  });

  it('uses a cluster id Kafka accepts (16 bytes, URL-safe base64)', () => {
    expect(Buffer.from(kafka?.environment.CLUSTER_ID ?? '', 'base64url')).toHaveLength(16);
  });
});
