import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  createMetricsRegistry,
  metricFactory,
  redactSecrets,
  startOpsServer,
} from './index.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger', () => {
  it('writes JSON with the service bound and secrets redacted', () => {
    const out = capture();
    const log = createLogger({ service: 'router', destination: out.stream, pretty: false });
    log
      .child({ rolloutId: 'ro-1' })
      .info(
        {
          event: 'router.started',
          sasl: { password: 'hunter22' },
          authorization: 'Bearer abc',
          token: 'tkn-123',
        },
        'started',
      );
    const [line] = out.lines();
    expect(line).toMatchObject({
      service: 'router',
      rolloutId: 'ro-1',
      event: 'router.started',
      msg: 'started',
    });
    const text = JSON.stringify(line);
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('abc');
    expect(text).not.toContain('tkn-123');
  });

  it('redactSecrets removes secret values from free text', () => {
    expect(
      redactSecrets('SASL auth failed for user kanary with password s3cret!', [
        's3cret!',
        undefined,
      ]),
    ).toBe('SASL auth failed for user kanary with password [redacted]');
  });
});

describe('ops server', () => {
  it('serves metrics, liveness and readiness', async () => {
    const registry = createMetricsRegistry('test', { processMetrics: false });
    metricFactory(registry).counter('kanary_test_total', 'a test counter').inc(3);
    let ready = false;
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', registry, ready: () => ready });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('kanary_test_total{service="test"} 3');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
