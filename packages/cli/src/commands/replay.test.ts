import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayScenarioLines } from '@kanary/decision-engine';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';
import { buildProgram } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'kanary-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A recording of a canary 5 points worse, with two invalid lines (3 and the last). */
const lines = [
  ...replayScenarioLines({
    seed: 1,
    requestsPerSecond: 20,
    canaryShare: 0.5,
    durationMs: 6 * 60_000,
    stable: { accuracy: 0.85 },
    canary: { accuracy: 0.8 },
    labels: { correctMeanDelayMs: 20_000, wrongMeanDelayMs: 5_000 },
  }),
];
lines.splice(2, 0, '{"kind":"prediction","requestId":"x","model":"m"}');
lines.push('not json');
const file = join(dir, 'worse.jsonl');
writeFileSync(file, `${lines.join('\n')}\n`);
const policy = join(dir, 'policy.json');
writeFileSync(policy, JSON.stringify({ labelMaturityMs: 120_000 }));

async function kanary(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { run } = buildProgram({ line: (t) => stdout.push(t), error: (t) => stderr.push(t) });
  const code = await run(args);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('kanary replay', () => {
  it('prints the result as JSON, with invalid lines counted by line number', async () => {
    const { code, stdout, stderr } = await kanary('replay', file, '--policy', policy, '--json');
    expect(code).toBe(ExitCode.ok);
    const result = JSON.parse(stdout) as {
      decisions: {
        at: number;
        action: string;
        reason: string;
        evidence: Record<string, unknown>;
      }[];
      final: { action: string; at: number };
      summary: Record<
        string,
        { n: number; accuracy: object; latencyMs: object; errorRate: number }
      >;
      input: { lines: number; invalid: number; issues: { line: number; message: string }[] };
    };
    expect(result.decisions).toHaveLength(1);
    expect(result.decisions[0]).toMatchObject({ action: 'ROLLBACK', at: result.final.at });
    expect(result.decisions[0]?.reason).toMatch(/^Roll back: accuracy/);
    expect(result.decisions[0]?.evidence.accuracy).toMatchObject({ outcome: 'FAIL' });
    expect(result.final.action).toBe('ROLLBACK');
    expect(Object.keys(result.summary)).toEqual(['v1', 'v2']);
    expect(result.summary.v2).toMatchObject({
      n: expect.any(Number),
      accuracy: {
        estimate: expect.any(Number),
        lower: expect.any(Number),
        upper: expect.any(Number),
      },
      latencyMs: { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) },
      errorRate: expect.any(Number),
    });
    expect(result.input.lines).toBe(lines.length);
    expect(result.input.invalid).toBe(2);
    expect(result.input.issues.map((i) => i.line)).toEqual([3, lines.length]);
    expect(result.input.issues[0]?.message).toContain('variant: is required');
    expect(stderr).toContain('2 invalid line(s) skipped');
  });

  it('prints a decision log, a table per variant and the final outcome by default', async () => {
    const { code, stdout } = await kanary('replay', file, '--policy', policy);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(/^ {2}line 3: .*variant: is required/m);
    expect(stdout).toMatch(/^ {2}2026-01-01T00:0\d:\d\dZ {2}ROLLBACK/m);
    expect(stdout).toMatch(/^ {2}v2 +canary +[\d,]+ +[\d,]+ +\d+\.\d %/m);
    expect(stdout).toMatch(/^Final: ROLLBACK at /m);
    expect(stdout).toContain('Traffic split as recorded');
  });

  it.each([
    [['replay', join(dir, 'missing.jsonl')], /cannot read .*missing\.jsonl/],
    [['replay', dir], /cannot read/],
    [
      ['replay', file, '--interval', 'soon'],
      /option '--interval <duration>' argument 'soon' is invalid/,
    ],
    [['replay'], /missing required argument 'file'/],
    [['replay', file, '--interval', '0'], /expected a duration above 0/],
  ])('exits 2 for %j', async (args, message) => {
    const { code, stderr } = await kanary(...args);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toMatch(message);
  });

  it('exits 2 for an invalid policy file, naming the field', async () => {
    const bad = join(dir, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ steps: [0.5, 0.1] }));
    const { code, stderr } = await kanary('replay', file, '--policy', bad);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toMatch(/steps\.1: must be greater than the previous step/);
  });

  it('describes the line format with an example in --help', async () => {
    const { code, stdout } = await kanary('replay', '--help');
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toMatch(/^Usage: kanary replay \[options\] <file>/);
    expect(stdout).toContain(
      'pnpm kanary replay services/decision/examples/replay-worse-canary.jsonl',
    );
  });
});
