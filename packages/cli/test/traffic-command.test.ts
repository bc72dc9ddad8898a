import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { cliFixture, collectDecoded } from './support.js';

afterAll(() => disconnectTestClients());

describe('kanary traffic', () => {
  it('sends weather requests without the truth and labels them', async () => {
    const f = await cliFixture();
    const requests = await collectDecoded(f, f.catalog.requests);
    const labels = await collectDecoded(f, f.catalog.labels);
    const result = await f.kanary(
      'traffic',
      '--count',
      '300',
      '--rate',
      '1000',
      '--users',
      '10',
      '--run-id',
      'cli',
      '--label-delay',
      '50ms',
      '--unlabelled',
      '0.5',
    );
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(
      new RegExp(`^run cli: 300 requests to ${f.catalog.requests.name} in `),
    );
    const sent = Number(/labels: (\d+) sent/.exec(result.stdout[1] ?? '')?.[1]);
    const unlabelled = Number(/(\d+) left unlabelled/.exec(result.stdout[1] ?? '')?.[1]);
    expect(sent + unlabelled).toBe(300);
    expect(Math.abs(unlabelled / 300 - 0.5)).toBeLessThan(0.1);

    const got = await requests.waitFor(300);
    const features = JSON.parse(got[0]!.features) as Record<string, unknown>;
    expect(features).toHaveProperty('precipitation');
    expect(features).not.toHaveProperty('trueLabel');
    expect(new Set(got.map((r) => r.routingKey)).size).toBe(10);
    const labelled = await labels.waitFor(sent);
    const ids = new Set(got.map((r) => r.requestId));
    expect(labelled.every((l) => ids.has(l.requestId) && l.model === 'weather')).toBe(true);
    await requests.stop();
    await labels.stop();
  });

  it.each([
    [['--rate', '0', '--count', '1'], /--rate <n>.*expected a positive number/],
    [
      ['--count', '5', '--unlabelled', '1.5'],
      /--unlabelled <fraction>.*expected a number in \[0, 1\]/,
    ],
    [['--count', '5', '--label-delay', 'soon'], /--label-delay <d>.*is not a duration/],
    [
      ['--count', '5', '--label-delay', '1s', '--label-delay-mean', '2s'],
      /cannot be used with option '--label-delay-mean/,
    ],
  ])('rejects bad options %j with exit code 2', async (args, message) => {
    const f = await cliFixture({ topics: false });
    const result = await f.kanary('traffic', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toMatch(message);
  });

  it('needs a count or a duration', async () => {
    const f = await cliFixture({ topics: false });
    const result = await f.kanary('traffic', '--rate', '5');
    expect(result).toMatchObject({ code: 2, stderr: ['error: give --count, --duration or both'] });
  });
});
