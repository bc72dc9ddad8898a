import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Router } from '@kanary/router';
import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFixture, startFixtureRouter, type CliFixture } from './support.js';

let f: CliFixture;
let router: Router;

beforeAll(async () => {
  f = await cliFixture();
  router = await startFixtureRouter(f, { ROUTER_DEFAULT_VARIANTS: 'weather=weather-logreg-v1' });
}, 60_000);

afterAll(async () => {
  await router.stop();
  await disconnectTestClients();
});

describe('kanary rollout', () => {
  it('starts a rollout with a policy file, shows it, pauses, resumes and rolls it back through the router', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanary-policy-'));
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ steps: [0.05, 0.25, 0.5], minSamplesPerStep: 100 }));

    const start = await f.kanary(
      'rollout',
      'start',
      '--model',
      'weather',
      '--stable',
      'weather-logreg-v1',
      '--canary',
      'weather-tree-v2',
      '--policy',
      policy,
      '--rollout-id',
      'weather-r1',
    );
    expect(start.stderr).toEqual([]);
    expect(start.code).toBe(0);
    expect(start.stdout.at(-1)).toMatch(
      /^applied: START weather → CANARY \(rollout weather-r1, stable weather-logreg-v1, canary weather-tree-v2 at 5%/,
    );

    const status = await f.kanary('rollout', 'status', '--model', 'weather', '--json');
    expect(status.code).toBe(0);
    const [state] = JSON.parse(status.stdout[0]!) as Array<Record<string, unknown>>;
    expect(state).toMatchObject({
      model: 'weather',
      rolloutId: 'weather-r1',
      phase: 'CANARY',
      canaryWeight: 0.05,
    });
    expect(JSON.parse(String(state!.policy))).toEqual({
      steps: [0.05, 0.25, 0.5],
      minSamplesPerStep: 100,
    });

    const pause = await f.kanary(
      'rollout',
      'pause',
      '--model',
      'weather',
      '--reason',
      'investigating',
    );
    expect(pause.code).toBe(0);
    expect(pause.stdout.at(-1)).toMatch(/^applied: PAUSE weather → PAUSED/);

    // A second START while the rollout is live is rejected by the router: exit 1 with its reason.
    const again = await f.kanary(
      'rollout',
      'start',
      '--model',
      'weather',
      '--stable',
      'weather-logreg-v1',
      '--canary',
      'weather-stump-v0',
    );
    expect(again.code).toBe(1);
    expect(again.stderr.join('\n')).toMatch(/^rejected: \S+/);

    expect((await f.kanary('rollout', 'resume', '--model', 'weather')).stdout.at(-1)).toMatch(
      /→ CANARY .* at 5%/,
    );
    const rollback = await f.kanary('rollout', 'rollback', '--model', 'weather');
    expect(rollback.code).toBe(0);
    expect(rollback.stdout.at(-1)).toMatch(/^applied: ROLLBACK weather → ROLLED_BACK/);

    const text = await f.kanary('rollout', 'status');
    expect(text.stdout.join('\n')).toMatch(
      /weather: ROLLED_BACK .*\n {2}last command: ROLLBACK by OPERATOR APPLIED/,
    );
  }, 90_000);

  it('fails with exit 2 naming the field of an invalid policy file, and publishes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanary-policy-'));
    const policy = join(dir, 'bad.json');
    await writeFile(policy, JSON.stringify({ steps: [0.5, 0.25], alpha: 2 }));
    const result = await f.kanary(
      'rollout',
      'start',
      '--model',
      'other',
      '--stable',
      'a',
      '--canary',
      'b',
      '--policy',
      policy,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toMatch(
      new RegExp(`invalid policy file ${policy}: .*steps\\.1: .*alpha: `),
    );
    const status = await f.kanary('rollout', 'status', '--model', 'other');
    expect(status.code).toBe(1);
    expect(status.stdout).toEqual(['no rollout for model "other"']);
  }, 60_000);

  it('starts an A/B/n rollout with --candidates, shows each candidate, rolls one back and promotes another named with --canary', async () => {
    const start = await f.kanary(
      'rollout',
      'start',
      '--model',
      'abn',
      '--stable',
      'abn-v1',
      '--candidates',
      'abn-a,abn-b,abn-c',
      '--rollout-id',
      'abn-r1',
    );
    expect(start.stderr).toEqual([]);
    expect(start.stdout[0]).toBe(
      'published START abn-r1 for abn: stable abn-v1, candidates abn-a, abn-b, abn-c (each) at 1%',
    );
    expect(start.stdout.at(-1)).toMatch(
      /^applied: START abn → CANARY \(rollout abn-r1, stable abn-v1, candidates abn-a at 1%, abn-b at 1%, abn-c at 1%, step 0/,
    );

    // PROMOTE of an A/B/n rollout must name the candidate: exit 2 naming them, nothing published.
    const unnamed = await f.kanary('rollout', 'promote', '--model', 'abn');
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr.join('\n')).toBe(
      'rollout "abn-r1" has candidates abn-a (LIVE), abn-b (LIVE), abn-c (LIVE): PROMOTE must name one (name the candidate: kanary rollout promote --model abn --canary <variant>)',
    );
    const unknown = await f.kanary('rollout', 'rollback', '--model', 'abn', '--canary', 'abn-z');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.join('\n')).toMatch(/has no candidate "abn-z"; its candidates: abn-a/);

    const rollback = await f.kanary('rollout', 'rollback', '--model', 'abn', '--canary', 'abn-b');
    expect(rollback.stderr).toEqual([]);
    expect(rollback.stdout[0]).toMatch(/^published ROLLBACK abn-b for abn /);
    expect(rollback.stdout.at(-1)).toMatch(
      /^applied: ROLLBACK abn → CANARY \(.*candidates abn-a at 1%, abn-b ROLLED_BACK, abn-c at 1%/,
    );

    const text = await f.kanary('rollout', 'status', '--model', 'abn');
    expect(text.code).toBe(0);
    expect(
      text.stdout
        .join('\n')
        .split('\n')
        .filter((l) => l.startsWith('  candidate ')),
    ).toEqual([
      '  candidate abn-a: LIVE, weight 1%, step 0',
      '  candidate abn-b: ROLLED_BACK, weight 0%, step 0',
      '  candidate abn-c: LIVE, weight 1%, step 0',
    ]);
    const json = await f.kanary('rollout', 'status', '--model', 'abn', '--json');
    const [state] = JSON.parse(json.stdout[0]!) as Array<{
      canary: string | null;
      candidates: Array<Record<string, unknown>>;
    }>;
    expect(state!.canary).toBeNull();
    expect(state!.candidates).toMatchObject([
      { variant: 'abn-a', status: 'LIVE', weight: 0.01, stepIndex: 0, lastDecision: null },
      { variant: 'abn-b', status: 'ROLLED_BACK', weight: 0 },
      { variant: 'abn-c', status: 'LIVE', weight: 0.01 },
    ]);

    const promote = await f.kanary('rollout', 'promote', '--model', 'abn', '--candidate', 'abn-c');
    expect(promote.stderr).toEqual([]);
    expect(promote.stdout.at(-1)).toMatch(
      /^applied: PROMOTE abn → PROMOTED \(rollout abn-r1, stable abn-c, candidates abn-a ENDED, abn-b ROLLED_BACK, abn-c PROMOTED/,
    );
  }, 90_000);

  it('fails with exit 2 before publishing an invalid A/B/n START', async () => {
    const result = await f.kanary(
      'rollout',
      'start',
      '--model',
      'abn-bad',
      '--stable',
      'v1',
      '--candidates',
      'a,v1',
    );
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toMatch(
      /^cannot start: candidates\.1: "v1" is already the stable or a shadow/,
    );
    expect((await f.kanary('rollout', 'status', '--model', 'abn-bad')).code).toBe(1);
  }, 60_000);

  it('refuses an operator command for a model without a rollout (exit 1)', async () => {
    const result = await f.kanary('rollout', 'promote', '--model', 'nothing-here');
    expect(result.code).toBe(1);
    expect(result.stderr.join('\n')).toMatch(/unknown model "nothing-here"/);
  }, 60_000);
});
