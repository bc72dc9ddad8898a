import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RolloutState } from '@kanary/contracts';
import type { Router } from '@kanary/router';
import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFixture, startFixtureRouter, type CliFixture } from './support.js';

let f: CliFixture;
let router: Router;
let dir: string;

beforeAll(async () => {
  f = await cliFixture();
  router = await startFixtureRouter(f);
  dir = await mkdtemp(join(tmpdir(), 'kanary-specs-'));
}, 60_000);

afterAll(async () => {
  await router.stop();
  await disconnectTestClients();
});

const weatherSpec = (canary: string) => `# the weather model's rollout
apiVersion: kanary/v1
kind: Rollout
model: weather
stable: weather-logreg-v1
canary: ${canary}
policy:
  steps: [0.05, 0.25, 0.5]
  minSamplesPerStep: 100
`;
const rainSpec = `apiVersion: kanary/v1
kind: Rollout
model: rain
stable: rain-v1
canary: rain-v2
shadows: [rain-v3]
policy:
  mode: shadow
`;

/** The live states, as `get rollouts -o json` prints them. */
async function live(): Promise<Map<string, RolloutState>> {
  const run = await f.kanary('get', 'rollouts', '-o', 'json');
  expect(run.code).toBe(0);
  const rows = JSON.parse(run.stdout.join('\n')) as Array<{ status: RolloutState }>;
  return new Map(rows.map((r) => [r.status.model, r.status]));
}

describe('kanary apply', () => {
  it('starts what a folder of specs asks for, shows the difference, and changes nothing when applied again', async () => {
    const folder = join(dir, 'rollouts');
    await mkdir(folder);
    await writeFile(join(folder, 'weather.yaml'), weatherSpec('weather-tree-v2'));
    await writeFile(join(folder, 'rain.yml'), rainSpec);
    await writeFile(join(folder, 'notes.txt'), 'not a spec');

    const first = await f.kanary('apply', '-f', folder);
    expect(first.stderr).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('  + canary: weather-tree-v2');
    expect(first.stdout).toContain('  + shadows:');
    expect(first.stdout.join('\n')).toMatch(
      /applied: START weather → CANARY \(rollout weather-\d+, stable weather-logreg-v1, canary weather-tree-v2 at 5%/,
    );
    expect(first.stdout.join('\n')).toMatch(/applied: START rain → SHADOW/);
    expect(first.stdout.at(-1)).toBe('2 changed, 0 unchanged, 0 refused');
    const before = await live();
    expect(before.get('rain')).toMatchObject({ phase: 'SHADOW', shadows: ['rain-v3'] });
    expect(JSON.parse(before.get('weather')!.policy!)).toEqual({
      steps: [0.05, 0.25, 0.5],
      minSamplesPerStep: 100,
    });

    const second = await f.kanary('apply', '-f', folder);
    expect(second.code).toBe(0);
    expect(second.stderr).toEqual([]);
    expect(second.stdout.filter((l) => /^ {2}[-+] /.test(l))).toEqual([]);
    expect(second.stdout.filter((l) => l.startsWith('  unchanged: '))).toHaveLength(2);
    expect(second.stdout.at(-1)).toBe('0 changed, 2 unchanged, 0 refused');
    const after = await live();
    for (const model of ['weather', 'rain']) {
      expect(after.get(model)!.seq).toBe(before.get(model)!.seq);
      expect(after.get(model)!.rolloutId).toBe(before.get(model)!.rolloutId);
    }
  });

  it('reads back what `get rollouts -o yaml` prints as no change', async () => {
    const got = await f.kanary('get', 'rollouts', '-o', 'yaml');
    expect(got.code).toBe(0);
    expect(got.stdout.join('\n')).toContain('status:\n  rolloutId: ');
    const file = join(dir, 'live.yaml');
    await writeFile(file, `${got.stdout.join('\n')}\n`);
    const applied = await f.kanary('apply', '-f', file);
    expect(applied.code).toBe(0);
    expect(applied.stdout.at(-1)).toBe('0 changed, 2 unchanged, 0 refused');

    const table = await f.kanary('get', 'rollouts');
    expect(table.stdout.join('\n')).toMatch(
      /^MODEL +PHASE +STABLE +CANARY +WEIGHT +STEP +ROLLOUT$/m,
    );
    expect(table.stdout.join('\n')).toMatch(
      /^weather +CANARY +weather-logreg-v1 +weather-tree-v2 +5% +0 /m,
    );
  });

  it('refuses a change that would restart a live rollout unless forced; --dry-run sends nothing', async () => {
    const file = join(dir, 'weather-v3.yaml');
    await writeFile(file, weatherSpec('weather-tree-v3'));
    const before = (await live()).get('weather')!;

    const refused = await f.kanary('apply', '-f', file);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toEqual(
      expect.arrayContaining(['  - canary: weather-tree-v2', '  + canary: weather-tree-v3']),
    );
    expect(refused.stderr.join('\n')).toMatch(
      /^weather: refused: would restart the live rollout weather-\d+ \(CANARY at 5%, canary weather-tree-v2\).*--force/,
    );
    expect(refused.stdout.at(-1)).toBe('0 changed, 0 unchanged, 1 refused');

    const dryRun = await f.kanary('apply', '-f', file, '--dry-run', '--force');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout.join('\n')).toMatch(
      /dry run: would restart the live rollout .*; nothing sent/,
    );
    expect(dryRun.stdout.at(-1)).toBe('1 would change, 0 unchanged, 0 refused');
    expect((await live()).get('weather')!.seq).toBe(before.seq);

    const forced = await f.kanary('apply', '-f', file, '--force');
    expect(forced.stderr).toEqual([]);
    expect(forced.code).toBe(0);
    expect(forced.stdout.join('\n')).toMatch(/applied: ROLLBACK weather → ROLLED_BACK/);
    expect(forced.stdout.join('\n')).toMatch(
      /applied: START weather → CANARY .*canary weather-tree-v3 at 5%/,
    );
    const after = (await live()).get('weather')!;
    expect(after).toMatchObject({
      phase: 'CANARY',
      canary: 'weather-tree-v3',
      seq: before.seq + 2,
    });
    expect(after.rolloutId).not.toBe(before.rolloutId);

    const again = await f.kanary('apply', '-f', file, '--force');
    expect(again.code).toBe(0);
    expect(again.stdout.at(-1)).toBe('0 changed, 1 unchanged, 0 refused');
  });

  it('validates every spec before sending anything, naming the file and the field', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    await writeFile(good, weatherSpec('weather-tree-v9'));
    await writeFile(bad, rainSpec.replace('mode: shadow', 'steps: [0.5, 0.2]'));
    const before = await live();
    const run = await f.kanary('apply', '-f', good, bad, '--force');
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toContain(
      `invalid spec ${bad}:\n  policy.steps.1: must be greater than the previous step`,
    );
    expect(run.stderr.at(-1)).toBe('nothing applied');
    expect((await live()).get('weather')!.seq).toBe(before.get('weather')!.seq);
  });

  it('runs an A/B/n rollout from a spec with candidates: started, read back unchanged, a candidate promoted when forced', async () => {
    const abnSpec = (candidates: string) => `apiVersion: kanary/v1
kind: Rollout
model: hail
stable: hail-v1
candidates: [${candidates}]
policy:
  steps: [0.05, 0.2]
`;
    const file = join(dir, 'hail.yaml');
    await writeFile(file, abnSpec('hail-v2, hail-v3, hail-v4'));

    const first = await f.kanary('apply', '-f', file);
    expect(first.stderr).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toEqual(
      expect.arrayContaining(['  + candidates:', '  +   - hail-v2', '  +   - hail-v4']),
    );
    expect(first.stdout.join('\n')).toMatch(/applied: START hail → CANARY/);
    const started = (await live()).get('hail')!;
    expect(started).toMatchObject({ phase: 'CANARY', canary: null });
    expect(started.candidates.map((c) => [c.variant, c.status, c.weight])).toEqual([
      ['hail-v2', 'LIVE', 0.05],
      ['hail-v3', 'LIVE', 0.05],
      ['hail-v4', 'LIVE', 0.05],
    ]);

    const again = await f.kanary('apply', '-f', file);
    expect(again.code).toBe(0);
    expect(again.stdout.at(-1)).toBe('0 changed, 1 unchanged, 0 refused');

    const got = await f.kanary('get', 'rollouts', '--model', 'hail', '-o', 'yaml');
    expect(got.code).toBe(0);
    const yaml = got.stdout.join('\n');
    expect(yaml).toContain('candidates:\n  - hail-v2\n  - hail-v3\n  - hail-v4\n');
    expect(yaml).toContain('  candidates:\n    - variant: hail-v2\n      status: LIVE\n');
    const gotFile = join(dir, 'hail-live.yaml');
    await writeFile(gotFile, `${yaml}\n`);
    const readBack = await f.kanary('apply', '-f', gotFile);
    expect(readBack.code).toBe(0);
    expect(readBack.stdout.at(-1)).toBe('0 changed, 1 unchanged, 0 refused');
    const table = await f.kanary('get', 'rollouts', '--model', 'hail');
    expect(table.stdout.join('\n')).toMatch(
      /^hail +CANARY +hail-v1 +hail-v2,hail-v3,hail-v4 +15% /m,
    );

    const fewer = join(dir, 'hail-fewer.yaml');
    await writeFile(fewer, abnSpec('hail-v2, hail-v3'));
    const refused = await f.kanary('apply', '-f', fewer);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('  -   - hail-v4');
    expect(refused.stderr.join('\n')).toMatch(
      /^hail: refused: would restart the live rollout hail-\d+ \(CANARY, candidates hail-v2 at 5%, hail-v3 at 5%, hail-v4 at 5%\).*--force/,
    );
    expect((await live()).get('hail')!.seq).toBe(started.seq);

    const after = join(dir, 'hail-after.yaml');
    await writeFile(after, 'apiVersion: kanary/v1\nkind: Rollout\nmodel: hail\nstable: hail-v3\n');
    const promote = await f.kanary('apply', '-f', after, '--force');
    expect(promote.stderr).toEqual([]);
    expect(promote.code).toBe(0);
    expect(promote.stdout.join('\n')).toMatch(/with PROMOTE of hail-v3/);
    expect(promote.stdout.join('\n')).toMatch(/applied: PROMOTE hail → PROMOTED/);
    const promoted = (await live()).get('hail')!;
    expect(promoted).toMatchObject({ phase: 'PROMOTED', stable: 'hail-v3' });
    expect(promoted.candidates.map((c) => c.status)).toEqual(['ENDED', 'PROMOTED', 'ENDED']);

    const served = await f.kanary('apply', '-f', after);
    expect(served.code).toBe(0);
    expect(served.stdout.at(-1)).toBe('0 changed, 1 unchanged, 0 refused');
    const ran = await f.kanary('apply', '-f', file);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(
      `  unchanged: hail-v3 was promoted (rollout ${promoted.rolloutId} ended PROMOTED)`,
    );
  });
});
