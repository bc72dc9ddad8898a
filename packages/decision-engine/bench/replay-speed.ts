// Speed and memory of `kanary replay` on a large recording: writes a seeded JSONL file of about
// `lines` lines (if it is not there yet), then replays it in a child process, so the peak RSS
// reported is the replay's alone. The policy keeps the rollout judging to the end (a step needs
// more samples than the file holds), which is the slowest case: every event reaches the engine.
//
// Run: node --conditions=source --import tsx packages/decision-engine/bench/replay-speed.ts [lines] [file]
// (defaults: 1000000 lines, $TMPDIR/kanary-replay-bench-<lines>.jsonl)
import { fork } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { replayFile, replayScenarioLines } from '@kanary/decision-engine';

const POLICY = { minSamplesPerStep: 10_000_000 };

async function generate(file: string, lines: number): Promise<void> {
  // 50 requests/s, 10 % to the canary, every request labelled: two lines a request.
  const requestsPerSecond = 50;
  const durationMs = Math.round((lines / 2 / requestsPerSecond) * 1000);
  const out = createWriteStream(file);
  let written = 0;
  for (const line of replayScenarioLines({
    seed: 42,
    requestsPerSecond,
    durationMs,
    canaryShare: 0.1,
    stable: { accuracy: 0.85 },
    canary: { accuracy: 0.85 },
    labels: { correctMeanDelayMs: 10 * 60_000, wrongMeanDelayMs: 2 * 60_000 },
  })) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    written += 1;
  }
  out.end();
  await once(out, 'finish');
  process.stdout.write(`wrote ${written} lines to ${file}\n`);
}

async function measure(file: string): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await replayFile(file, { policy: POLICY });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const { lines } = result.input;
  const report = {
    lines,
    seconds: Number(seconds.toFixed(1)),
    linesPerSecond: Math.round(lines / seconds),
    linesPerCpuSecond: Math.round(lines / cpuSeconds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    final: result.final.action,
    judged: Object.fromEntries(Object.entries(result.summary).map(([k, v]) => [k, v.n])),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[2] === '--replay') {
  await measure(process.argv[3]!);
} else {
  const lines = Number(process.argv[2] ?? 1_000_000);
  const file = process.argv[3] ?? join(tmpdir(), `kanary-replay-bench-${lines}.jsonl`);
  if (!existsSync(file)) await generate(file, lines);
  const child = fork(process.argv[1]!, ['--replay', file], { execArgv: process.execArgv });
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exitCode = code ?? 1;
}
