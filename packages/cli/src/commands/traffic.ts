import {
  constantDelay,
  exponentialDelay,
  runTraffic,
  SourceKind,
  type DelayDistribution,
  type SourceConfig,
  type TrafficProgress,
} from '@kanary/traffic';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseOption } from '../option-parsers.js';
import type { Output } from '../output.js';
import { progressLine } from '../progress-line.js';

export interface TrafficCommandOptions {
  rate: number;
  count?: number;
  duration?: number;
  source: 'weather' | 'synthetic';
  model: string;
  users: number;
  seed: number;
  runId?: string;
  classes?: string[];
  pool: 'held-out' | 'all';
  truthInFeatures?: boolean;
  labels: boolean;
  labelDelay?: number;
  labelDelayMean?: number;
  wrongLabelDelay?: number;
  wrongLabelDelayMean?: number;
  predictionWait: number;
  unlabelled: number;
}

/** Declares `kanary traffic` and its options on `command`. */
export function describeTrafficCommand(command: Command): Command {
  return command
    .description(
      'send inference requests at a target rate and publish their true labels after a delay',
    )
    .option('--rate <n>', 'requests per second', parseOption.positiveNumber, 50)
    .option('--count <n>', 'number of requests to send', parseOption.positiveInt)
    .option('--duration <d>', 'how long to send (e.g. 30s, 5m)', parseOption.duration)
    .addOption(
      new Option('--source <kind>', 'where features and labels come from')
        .choices([SourceKind.WEATHER, SourceKind.SYNTHETIC])
        .default(SourceKind.WEATHER),
    )
    .option('--model <name>', 'logical model name of the requests', 'weather')
    .option(
      '--users <n>',
      'size of the user population routing keys are drawn from',
      parseOption.positiveInt,
      1_000,
    )
    .option('--seed <n>', 'seed of every draw', parseOption.int, 1)
    .option('--run-id <id>', 'request id prefix (default: random)')
    .option(
      '--classes <list>',
      'synthetic classes, comma-separated (default: the weather classes)',
      parseOption.list,
    )
    .addOption(
      new Option('--pool <pool>', 'weather rows to draw from')
        .choices(['held-out', 'all'])
        .default('held-out'),
    )
    .option(
      '--truth-in-features',
      'also put the true label into weather features, for simulated variants',
    )
    .option('--no-labels', 'send requests only, no labels')
    .addOption(
      new Option('--label-delay <d>', 'constant label delay (default 0: labels follow at once)')
        .argParser(parseOption.duration)
        .conflicts('labelDelayMean'),
    )
    .option(
      '--label-delay-mean <d>',
      'exponential label delay with this mean (e.g. 5s)',
      parseOption.duration,
    )
    .addOption(
      new Option('--wrong-label-delay <d>', 'constant delay for labels of wrong served predictions')
        .argParser(parseOption.duration)
        .conflicts('wrongLabelDelayMean'),
    )
    .option(
      '--wrong-label-delay-mean <d>',
      'exponential delay, with this mean, for labels of wrong served predictions',
      parseOption.duration,
    )
    .addOption(
      new Option(
        '--prediction-wait <d>',
        'with a wrong-label delay: how long to wait for the served prediction',
      )
        .argParser(parseOption.duration)
        .default(60_000, '1m'),
    )
    .option(
      '--unlabelled <fraction>',
      'fraction of requests never labelled',
      parseOption.fraction,
      0,
    )
    .addHelpText(
      'after',
      `
Labels: each request's true label goes to the labels topic after its delay (default: at once).
With --wrong-label-delay[-mean] the delay depends on the served prediction: the command reads
the predictions topic, and the delay — counted from when the served prediction is seen — is
the wrong-label one for a wrong or failed prediction, the --label-delay[-mean] one otherwise.
A request whose served prediction does not arrive within --prediction-wait is labelled as if
right. The command waits until every label is sent; Ctrl-C stops at once (exit 130).

Sources: "weather" sends days of the Seattle weather dataset (real features; the observed
weather is the label and is not in the features); "synthetic" sends {"trueLabel": <class>},
the only input a simulated model needs.

Examples:
  kanary traffic --rate 200 --duration 1m --label-delay-mean 5s --unlabelled 0.1
  kanary traffic --source synthetic --count 10000 --rate 1000 --label-delay 0`,
    );
}

const delayOf = (constant?: number, mean?: number): DelayDistribution | undefined =>
  mean !== undefined
    ? exponentialDelay(mean)
    : constant !== undefined
      ? constantDelay(constant)
      : undefined;

const formatProgress = (p: TrafficProgress): string =>
  `${p.phase === 'labelling' ? 'labelling' : 'sending'}: ${p.requests}${p.target === undefined ? '' : `/${p.target}`} requests (${p.rate.toFixed(0)}/s), ${p.labelsSent} labels sent, ${p.labelsPending} pending`;

/** `kanary traffic`: sends requests at a rate, then waits for their labels. */
export async function traffic(
  ctx: CliContext,
  out: Output,
  options: TrafficCommandOptions,
): Promise<number> {
  if (options.count === undefined && options.duration === undefined) {
    out.error('error: give --count, --duration or both');
    return 2;
  }
  const wrongDelay = delayOf(options.wrongLabelDelay, options.wrongLabelDelayMean);
  const source: SourceConfig =
    options.source === SourceKind.SYNTHETIC
      ? { kind: SourceKind.SYNTHETIC, ...(options.classes ? { classes: options.classes } : {}) }
      : {
          kind: SourceKind.WEATHER,
          pool: options.pool,
          truthInFeatures: options.truthInFeatures ?? false,
        };
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const progress = progressLine(process.stderr);
  try {
    const report = await runTraffic({
      kafka: ctx.kafka,
      codec: ctx.codec,
      catalog: ctx.catalog,
      logger: ctx.logger,
      model: options.model,
      source,
      rate: options.rate,
      count: options.count,
      durationMs: options.duration,
      users: options.users,
      seed: options.seed,
      ...(options.runId ? { runId: options.runId } : {}),
      labels: options.labels
        ? {
            seed: options.seed,
            delay: delayOf(options.labelDelay, options.labelDelayMean) ?? constantDelay(0),
            wrongDelay,
            unlabelledFraction: options.unlabelled,
            predictionWaitMs: options.predictionWait,
          }
        : undefined,
      signal: abort.signal,
      onProgress: (p) =>
        p.phase === 'done' ? progress.done(formatProgress(p)) : progress.update(formatProgress(p)),
    });
    out.line(
      `run ${report.runId}: ${report.requests} requests to ${ctx.catalog.requests.name} in ${(report.sendMs / 1_000).toFixed(1)} s (${report.achievedRate.toFixed(1)}/s)`,
    );
    if (options.labels) {
      out.line(
        `labels: ${report.labelsSent} sent to ${ctx.catalog.labels.name}, ${report.unlabelled} left unlabelled, ${report.labelsDropped} dropped`,
      );
      if (wrongDelay) {
        out.line(
          `served predictions seen: ${report.servedRight} right, ${report.servedWrong} wrong or failed, ${report.withoutPrediction} not seen in time`,
        );
      }
    }
    if (report.aborted) {
      out.error('interrupted');
      return 130;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
