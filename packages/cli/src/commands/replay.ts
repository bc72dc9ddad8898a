import { stat } from 'node:fs/promises';
import { formatReplay, replayFile, type ReplayProgress } from '@kanary/decision-engine';
import { isKanaryError } from '@kanary/contracts';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ExitCode, explain } from '../errors.js';
import { parseOption } from '../option-parsers.js';
import type { Output } from '../output.js';
import { progressLine } from '../progress-line.js';
import { loadPolicyFile } from './policy-file.js';

export interface ReplayCommandOptions {
  policy?: string;
  json?: boolean;
  interval: number;
  slack: number;
}

function positiveDuration(value: string): number {
  const ms = parseOption.duration(value);
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above 0');
  return ms;
}

/** Declares `kanary replay <file>` and its options on `command`. */
export function describeReplayCommand(command: Command): Command {
  return command
    .description(
      'judge recorded predictions and labels offline with the decision service’s engine (no Kafka needed)',
    )
    .argument('<file>', 'JSONL file of predictions and labels, one JSON object per line')
    .option(
      '--policy <file>',
      'rollout policy (JSON) to judge with; omitted fields take the defaults',
    )
    .option('--json', 'print the result as JSON (decisions, final, summary, input, notes)')
    .addOption(
      new Option(
        '--interval <duration>',
        'judge every this much data time, like the service’s DECISION_INTERVAL_MS',
      )
        .argParser(positiveDuration)
        .default(5_000, '5s'),
    )
    .addOption(
      new Option(
        '--slack <duration>',
        'how far behind newer lines a line may come and still be put in timestamp order',
      )
        .argParser(parseOption.duration)
        .default(60_000, '1m'),
    )
    .addHelpText(
      'after',
      `
Lines (other fields are ignored; role and status are case-insensitive):
  {"kind":"prediction","requestId":"r1","model":"m","variant":"v2","role":"canary",
   "output":"deny","latencyMs":41.5,"status":"ok","timestamp":1767225600000}
  {"kind":"label","requestId":"r1","model":"m","label":"deny","timestamp":1767225660000}
role: stable, canary or shadow; status: ok, error or timeout (output may be null unless ok);
timestamp: epoch milliseconds. Optional: a prediction's "scores" (class probabilities, each in
[0, 1], summing to 1 within 0.01: log-loss and Brier score) and "segment"; a label's
"outcomes" (name -> number), e.g.
  {"kind":"prediction", ..., "scores":{"deny":0.8,"allow":0.2},"segment":"eu"}
  {"kind":"label", ..., "outcomes":{"revenue":12.5}}

Per model, the stable is the first variant with role stable and the canary the first with
role canary or shadow; the rollout (replay-<model>) starts when both have answered. Several
variants with role canary, first answering within --slack of the first, are replayed as an A/B/n
rollout against the stable (each decision names its candidate; each candidate starts at the
policy's first step capped at its slice of the traffic). Events are
replayed in timestamp order on a simulated clock, and the engine's ADVANCE, PROMOTE and ROLLBACK
change the replayed rollout's state — but not the data: the traffic split is the recorded one,
so the sample-ratio check does not apply. Judging a model ends at PROMOTE, ROLLBACK or PAUSE.
The file is streamed; invalid lines are listed with their line number, counted and skipped.

Example:
  pnpm kanary replay services/decision/examples/replay-worse-canary.jsonl
  pnpm kanary replay recorded.jsonl --policy policy.json --json > replay.json

Exit codes: 0 the replay ran (whatever it decided); 2 bad usage, an unreadable file or an
invalid policy file.`,
    );
}

const describeProgress = (file: string, p: ReplayProgress) =>
  `${p.totalBytes > 0 ? ((100 * p.bytesRead) / p.totalBytes).toFixed(0) : '100'}% of ${file}: ${p.lines.toLocaleString('en-US')} lines`;

/** `kanary replay <file>`. */
export async function replay(
  out: Output,
  file: string,
  options: ReplayCommandOptions,
): Promise<number> {
  try {
    await stat(file);
  } catch (e) {
    out.error(`error: cannot read ${file}: ${(e as Error).message}`);
    return ExitCode.usage;
  }
  const policy = options.policy ? await loadPolicyFile(options.policy) : null;
  const progress = progressLine(process.stderr);
  let result;
  try {
    result = await replayFile(file, {
      policy: policy === null ? undefined : (JSON.parse(policy.text) as object),
      intervalMs: options.interval,
      reorderSlackMs: options.slack,
      onProgress: (p) => progress.update(describeProgress(file, p)),
    });
  } catch (e) {
    // The file was there a moment ago: a directory, a permission, a read error.
    if ((e as NodeJS.ErrnoException).code !== undefined && !isKanaryError(e)) {
      out.error(`error: cannot read ${file}: ${(e as Error).message}`);
      return ExitCode.usage;
    }
    throw e;
  }
  progress.done(`replayed ${result.input.lines.toLocaleString('en-US')} lines of ${file}`);
  if (options.json === true) {
    out.line(JSON.stringify(result, null, 2));
    const [first] = result.input.issues;
    if (first !== undefined) {
      out.error(
        `${file}: ${result.input.invalid} invalid line(s) skipped (input.issues), first line ${first.line}: ${first.message}`,
      );
    }
  } else {
    for (const line of formatReplay(result)) out.line(line);
  }
  return ExitCode.ok;
}

/**
 * Adds `kanary replay` to the program. Replay reads a file and needs no broker, so it runs
 * without the Kafka context; `setExitCode` hands its exit code to the program's `run`.
 */
export function registerReplayCommand(
  program: Command,
  out: Output,
  setExitCode: (code: number) => void,
): void {
  const command = describeReplayCommand(program.command('replay'));
  command.action(async (file: string) => {
    try {
      setExitCode(await replay(out, file, command.opts<ReplayCommandOptions>()));
    } catch (e) {
      const { message, code } = explain(e, {});
      out.error(`error: ${message}`);
      setExitCode(code);
    }
  });
}
