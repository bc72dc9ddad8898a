import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYED_SERVICES } from './deployed-services.fixtures.js';
import { REPO_ROOT, readRepoFile } from './repo-files.js';

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: ReadonlyArray<{ readonly op: string; readonly args: string }>;
}

/** The Dockerfile's build stages, with line continuations joined and comments dropped. */
function stages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: Array<{
    from: string;
    name: string | undefined;
    instructions: Stage['instructions'][number][];
  }> = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      out.push({ from: m?.[1] ?? args, name: m?.[2], instructions: [] });
    } else out.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return out;
}

const dockerfile = readRepoFile('Dockerfile');
const built = stages(dockerfile);
const runtime = built.at(-1)!;

describe('Dockerfile', () => {
  it('builds in one stage and runs from a small Node 20 image in another', () => {
    expect(built.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(built.every((s) => s.from === '${NODE_IMAGE}')).toBe(true);
  });

  it('runs as a non-root user, the entry point being the package’s compiled main', () => {
    const users = runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toEqual(['node']);
    expect(runtime.instructions.find((i) => i.op === 'ENTRYPOINT')?.args).toBe(
      '["node", "dist/main.js"]',
    );
    // Nothing after USER switches back or installs anything.
    const afterUser = runtime.instructions.slice(
      runtime.instructions.findIndex((i) => i.op === 'USER') + 1,
    );
    expect(afterUser.map((i) => i.op)).toEqual(['ENTRYPOINT']);
  });

  it('ships only the production dependencies of the chosen package, compiled', () => {
    const run = built[0]!.instructions
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(run).toContain('pnpm install --frozen-lockfile');
    expect(run).toContain('pnpm exec tsc -b "$DIR"');
    expect(run).toMatch(/pnpm --filter "\.\/\$DIR" deploy --prod --legacy \/out/);
    expect(runtime.instructions.filter((i) => i.op === 'COPY').map((i) => i.args)).toEqual([
      '--from=build /out /app',
    ]);
  });

  it('copies the dependency patches before installing, so the image runs the patched dependencies', () => {
    const workspace = readRepoFile('pnpm-workspace.yaml');
    const patchFiles = [...workspace.matchAll(/^\s+\S+@[^:]+:\s*(patches\/\S+)\s*$/gm)].map(
      (m) => m[1]!,
    );
    expect(patchFiles.length).toBeGreaterThan(0);
    for (const file of patchFiles) expect(existsSync(join(REPO_ROOT, file))).toBe(true);
    const ops = built[0]!.instructions;
    const copiedAt = ops.findIndex((i) => i.op === 'COPY' && /^patches\s/.test(i.args));
    const installAt = ops.findIndex((i) => i.op === 'RUN' && i.args.includes('pnpm install'));
    expect(copiedAt).toBeGreaterThanOrEqual(0);
    expect(copiedAt).toBeLessThan(installAt);
  });

  it.each([...DEPLOYED_SERVICES.map((s) => s.name), 'cli'])(
    'can build SERVICE=%s: a package with a tsconfig and a src/main.ts',
    (service) => {
      const dir = existsSync(join(REPO_ROOT, 'services', service))
        ? join('services', service)
        : join('packages', service);
      expect(existsSync(join(REPO_ROOT, dir, 'tsconfig.json'))).toBe(true);
      expect(existsSync(join(REPO_ROOT, dir, 'src', 'main.ts'))).toBe(true);
    },
  );

  it('keeps local build output, dependencies and logs out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.kanary']),
    );
    // …but not what the build copies.
    const copied = [
      'packages',
      'services',
      'schemas',
      'patches',
      'pnpm-lock.yaml',
      'tsconfig.base.json',
    ];
    expect(ignored.filter((i) => copied.includes(i))).toEqual([]);
  });
});
