import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { Output } from '../output.js';
import { describeLabelsImportCommand, labelsImport, type LabelsImportOptions } from './labels.js';
import { describeTrafficCommand, traffic, type TrafficCommandOptions } from './traffic.js';

/** The program's wrapper that builds the context, runs a command body and maps errors to exit codes. */
export type WithContext = (
  action: (ctx: CliContext, out: Output) => Promise<number>,
) => (this: Command) => Promise<void>;

/** Adds `kanary traffic` and `kanary labels import` to the program. */
export function registerTrafficCommands(program: Command, withContext: WithContext): void {
  const trafficCommand = describeTrafficCommand(program.command('traffic'));
  trafficCommand.action(
    withContext((ctx, out) => traffic(ctx, out, trafficCommand.opts<TrafficCommandOptions>())),
  );
  const labels = program.command('labels').description('ground-truth labels');
  const importCommand = describeLabelsImportCommand(labels.command('import'));
  importCommand.action(
    withContext((ctx, out) =>
      labelsImport(ctx, out, importCommand.args[0]!, importCommand.opts<LabelsImportOptions>()),
    ),
  );
}
