import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { outcomeLine } from '../demo/demo-progress.js';
import { runDemo } from '../demo/run-demo.js';
import { DEMO_SCENARIOS } from '../demo/demo-scenarios.js';
import { ExitCode } from '../errors.js';
import { parseOption } from '../option-parsers.js';
import type { Output } from '../output.js';
import { loadPolicyFile } from './policy-file.js';

export interface DemoCommandOptions {
  rate: number;
  labelDelay: number;
  unlabelled: number;
  timeout: number;
  policy?: string;
  report?: string;
  keepTopics?: boolean;
  only?: string[];
  candidates?: boolean;
  seed: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `kanary demo`: runs the scenarios and prints each outcome and the report's path. */
export async function demo(
  globals: GlobalOptions,
  out: Output,
  o: DemoCommandOptions,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const known = DEMO_SCENARIOS.map((s) => s.model);
  const unknown = (o.only ?? []).filter((m) => !known.includes(m));
  if (o.candidates === true && o.only !== undefined) {
    out.error('error: --candidates runs its own scenario; leave out --only');
    return ExitCode.usage;
  }
  if (unknown.length > 0) {
    out.error(
      `error: --only: unknown scenario model ${unknown.join(', ')} (choose from ${known.join(', ')})`,
    );
    return ExitCode.usage;
  }
  const policy = o.policy ? await loadPolicyFile(o.policy) : null;
  const result = await runDemo(
    globals,
    {
      rate: o.rate,
      labelDelayMs: o.labelDelay,
      unlabelled: o.unlabelled,
      timeoutMs: o.timeout,
      policy,
      reportPath: o.report,
      keepTopics: o.keepTopics === true,
      models: o.only,
      candidates: o.candidates === true,
      seed: o.seed,
    },
    out,
    stream,
  );
  for (const s of result.scenarios) out.line(outcomeLine(s));
  out.line(`report: ${result.reportPath}`);
  out.line(`demo finished in ${seconds(result.wallMs)}`);
  return result.ok ? ExitCode.ok : ExitCode.failed;
}

/** Adds `kanary demo`. */
export function registerDemoCommand(
  program: Command,
  withGlobals: (
    action: (globals: GlobalOptions, out: Output) => Promise<number>,
  ) => (this: Command) => Promise<void>,
): void {
  const command = program
    .command('demo')
    .description(
      'run the whole pipeline on the weather data: a better canary is promoted, a worse one rolled back, one worse in winter rolled back by the per-season guard; writes an HTML report',
    )
    .option(
      '--rate <n>',
      'requests per second sent to each scenario',
      parseOption.positiveNumber,
      150,
    )
    .option(
      '--label-delay <duration>',
      'mean delay of the ground-truth labels (exponential)',
      parseOption.duration,
      2_000,
    )
    .option(
      '--unlabelled <fraction>',
      'share of requests that never get a label',
      parseOption.fraction,
      0.05,
    )
    .option(
      '--timeout <duration>',
      'give up on rollouts still running after this long',
      parseOption.duration,
      240_000,
    )
    .option(
      '--policy <file>',
      'rollout policy JSON replacing the demo policy (see README, "Policy reference")',
    )
    .option(
      '--report <file>',
      'where to write the HTML report (default: .kanary/demo/<run>/report.html)',
    )
    .option('--keep-topics', "keep the run's topics (deleted at the end by default)")
    .option(
      '--only <models>',
      `run only these scenarios (${DEMO_SCENARIOS.map((s) => s.model).join(', ')})`,
      parseOption.list,
    )
    .option(
      '--candidates',
      'run the A/B/n scenario instead: the stump and two trees as three candidates at once against the regression',
    )
    .option('--seed <n>', 'seed of the traffic and label draws', parseOption.int, 1)
    .addHelpText(
      'after',
      '\nWithout --brokers or KAFKA_BROKERS it starts (or reuses) the local Kafka and schema registry.\nFaster: --rate 300 --label-delay 1s. Longer, closer to production: --rate 50 --label-delay 10s --timeout 15m.',
    );
  command.action(
    withGlobals((globals, out) => demo(globals, out, command.opts<DemoCommandOptions>())),
  );
}
