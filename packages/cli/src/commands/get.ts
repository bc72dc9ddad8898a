import type { RolloutState } from '@kanary/contracts';
import { RolloutView } from '@kanary/rollout-client';
import { Option, type Command } from 'commander';
import { renderSpec, renderSpecs, specOfState } from '../apply/spec-document.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import type { WithContext } from './register-traffic-commands.js';

export interface GetOptions {
  model?: string;
  output: 'table' | 'yaml' | 'json';
}

const pct = (w: number) => `${Math.round(w * 10_000) / 100}%`;

/** Columns padded to their widest cell. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function print(states: readonly RolloutState[], format: GetOptions['output'], out: Output): void {
  if (format === 'yaml') {
    // The specs `kanary apply` reads, with the live status it ignores.
    if (states.length > 0)
      out.line(renderSpecs(states.map((s) => renderSpec(specOfState(s), s))).trimEnd());
    return;
  }
  if (format === 'json') {
    out.line(JSON.stringify(states.map((s) => ({ spec: specOfState(s), status: s }))));
    return;
  }
  if (states.length === 0) {
    out.line('no rollouts yet');
    return;
  }
  out.line(
    table([
      ['MODEL', 'PHASE', 'STABLE', 'CANARY', 'WEIGHT', 'STEP', 'ROLLOUT'],
      ...states.map((s) => [
        s.model,
        s.phase,
        s.stable,
        s.candidates.length > 0 ? s.candidates.map((c) => c.variant).join(',') : (s.canary ?? '–'),
        pct(s.canaryWeight),
        String(s.stepIndex),
        s.rolloutId,
      ]),
    ]).join('\n'),
  );
}

/** `kanary get rollouts`: every model's rollout as it is live on `rollout.state`. */
export async function getRollouts(ctx: CliContext, out: Output, o: GetOptions): Promise<number> {
  const view = await new RolloutView(ctx).open();
  let states: RolloutState[];
  try {
    states = [...view.states.values()]
      .filter((s) => o.model === undefined || s.model === o.model)
      .sort((a, b) => a.model.localeCompare(b.model));
  } finally {
    await view.close();
  }
  print(states, o.output, out);
  return o.model !== undefined && states.length === 0 ? ExitCode.failed : ExitCode.ok;
}

/** Adds `kanary get rollouts`. */
export function registerGetCommand(program: Command, withContext: WithContext): void {
  const get = program.command('get').description('print what is live');
  const rollouts = get
    .command('rollouts')
    .description(
      "each model's rollout; -o yaml prints specs that `kanary apply` reads (applying them changes nothing)",
    )
    .option('--model <model>', 'only this model (exit 1 if it has no rollout)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'yaml', 'json'])
        .default('table'),
    );
  rollouts.action(withContext((ctx, out) => getRollouts(ctx, out, rollouts.opts<GetOptions>())));
}
