import { Command, CommanderError } from 'commander';
import { registerApplyCommand } from './commands/apply.js';
import { schemasRegister, topicsInit } from './commands/bootstrap.js';
import { registerTrafficCommands } from './commands/register-traffic-commands.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerGetCommand } from './commands/get.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerRolloutCommands } from './commands/rollout.js';
import { cliContext, type CliContext, type GlobalOptions } from './context.js';
import { ExitCode, explain } from './errors.js';
import { consoleOutput, type Output } from './output.js';

/** A command body: gets the connected context and returns an exit code. */
type Action = (ctx: CliContext, out: Output) => Promise<number>;
/** A command body that builds its own connection from the global options. */
type GlobalAction = (globals: GlobalOptions, out: Output) => Promise<number>;

/**
 * Builds the `kanary` command tree. `run` resolves with the exit code instead of exiting, so
 * tests call it directly.
 */
export function buildProgram(out: Output = consoleOutput): {
  program: Command;
  run(argv: string[]): Promise<number>;
} {
  let exitCode: number = ExitCode.ok;
  const program = new Command('kanary')
    .description(
      'Kanary: canary and shadow evaluation of ML models over Kafka, with delayed labels.',
    )
    .option(
      '--brokers <list>',
      'Kafka bootstrap servers (default: $KAFKA_BROKERS, else the local stack)',
    )
    .option(
      '--registry <url>',
      'Confluent-compatible schema registry URL (default: $SCHEMA_REGISTRY_URL, else the local stack)',
    )
    .option('--prefix <prefix>', 'topic name prefix (default: $KANARY_TOPIC_PREFIX or "kanary")')
    .option(
      '--partitions <n>',
      'partitions of the data topics when creating them (default: $KANARY_DATA_PARTITIONS or 4)',
    )
    .option('-v, --verbose', 'log Kafka client details to stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out.line(s.trimEnd()),
      writeErr: (s) => out.error(s.trimEnd()),
    });

  const fail = (e: unknown, where: { brokers?: readonly string[]; registry?: string }) => {
    const { message, code } = explain(e, where);
    out.error(`error: ${message}`);
    exitCode = code;
  };
  const withContext = (action: Action) =>
    async function (this: Command): Promise<void> {
      const globals = this.optsWithGlobals<GlobalOptions>();
      let ctx: CliContext | undefined;
      try {
        ctx = cliContext(globals);
        exitCode = await action(ctx, out);
      } catch (e) {
        fail(e, { brokers: ctx?.connection.brokers, registry: ctx?.connection.registry.url });
      }
    };
  /** For commands that connect on their own terms (the demo may start the local stack first). */
  const withGlobals = (action: GlobalAction) =>
    async function (this: Command): Promise<void> {
      const globals = this.optsWithGlobals<GlobalOptions>();
      try {
        exitCode = await action(globals, out);
      } catch (e) {
        fail(e, {
          brokers: (globals.brokers ?? process.env.KAFKA_BROKERS)?.split(','),
          registry: globals.registry ?? process.env.SCHEMA_REGISTRY_URL,
        });
      }
    };

  const topics = program.command('topics').description('Kafka topics used by Kanary');
  topics
    .command('init')
    .description(
      'create missing topics with their partitions and cleanup policy; report mismatching ones',
    )
    .action(withContext(topicsInit));
  const schemas = program.command('schemas').description('Avro schemas in the schema registry');
  schemas
    .command('register')
    .description('register every event schema under <topic>-value with BACKWARD compatibility')
    .action(withContext(schemasRegister));
  registerRolloutCommands(program, withContext);
  registerApplyCommand(program, withContext);
  registerGetCommand(program, withContext);
  registerTrafficCommands(program, withContext);
  registerDemoCommand(program, withGlobals);
  registerReplayCommand(program, out, (code) => void (exitCode = code));

  return {
    program,
    async run(argv: string[]): Promise<number> {
      exitCode = ExitCode.ok;
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (e) {
        if (e instanceof CommanderError) {
          return e.code === 'commander.helpDisplayed' ||
            e.code === 'commander.version' ||
            e.code === 'commander.help'
            ? ExitCode.ok
            : ExitCode.usage;
        }
        throw e;
      }
      return exitCode;
    },
  };
}
