// Writes services/decision/examples/replay-worse-canary.jsonl: two hours of a recorded canary
// rollout in which the canary (v2) is about 10 points less accurate than the stable (v1), half
// the traffic on each, labels arriving minutes later (wrong answers sooner). Seeded, so running
// it again gives the same file.
//
// Run: node --conditions=source --import tsx packages/decision-engine/scripts/make-replay-example.ts
// Try: pnpm kanary replay services/decision/examples/replay-worse-canary.jsonl
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayScenarioLines } from '@kanary/decision-engine';

const MINUTE = 60_000;
const file = join(dirname(fileURLToPath(import.meta.url)), '../examples/replay-worse-canary.jsonl');
const lines = [
  ...replayScenarioLines({
    seed: 2026,
    requestsPerSecond: 0.5,
    canaryShare: 0.5,
    durationMs: 120 * MINUTE,
    stable: { accuracy: 0.85 },
    canary: { accuracy: 0.75 },
    labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 2 * MINUTE },
  }),
];
writeFileSync(file, `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${lines.length} lines to ${file}\n`);
