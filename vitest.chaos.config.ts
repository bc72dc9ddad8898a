import { defineConfig } from 'vitest/config';

// The reliability suites of test/chaos (`pnpm test:chaos`, run by .ci/run after `pnpm test`):
// the whole pipeline as processes, killed, starved of its broker or registry, fed bad input.
// Minutes each, so they are kept out of `pnpm test`, and run one file at a time: each starts
// four services and would otherwise compete for the CPU with the others.
const conditions = ['source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: 'chaos',
    include: ['test/chaos/**/*.chaos.ts'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
