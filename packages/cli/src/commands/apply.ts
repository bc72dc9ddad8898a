import { randomUUID } from 'node:crypto';
import { commandOnState, commandTarget, parsePolicy, type LiveAction } from '@kanary/rollout';
import { publishCommand, RolloutView } from '@kanary/rollout-client';
import { Option, type Command } from 'commander';
import { loadSpecFiles } from '../apply/load-spec-files.js';
import { planApply, type ApplyPlan } from '../apply/plan-apply.js';
import type { RolloutSpec } from '../apply/rollout-spec.js';
import { specDiff } from '../apply/spec-diff.js';
import { renderSpec, specOfState } from '../apply/spec-document.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import type { WithContext } from './register-traffic-commands.js';
import { awaitOutcome, startCommand } from './rollout.js';

export interface ApplyOptions {
  filename: string[];
  dryRun?: boolean;
  force?: boolean;
  timeout: string;
}

type Outcome = 'unchanged' | 'changed' | 'refused' | 'failed';

interface Step {
  readonly ctx: CliContext;
  readonly out: Output;
  readonly view: RolloutView;
  readonly timeoutMs: number;
  readonly reason: string;
}

/**
 * Sends one operator command on the model's live rollout (about `candidate` of an A/B/n
 * rollout, or the whole rollout) and waits for the router's outcome.
 */
async function endLive(
  step: Step,
  model: string,
  action: LiveAction,
  candidate: string | null = null,
): Promise<number> {
  const target = commandTarget(step.view.states.get(model)!, action, candidate);
  if (!target.ok) {
    step.out.error(`${model}: ${target.message}`);
    return ExitCode.failed;
  }
  const command = commandOnState(target.state, action, {
    commandId: `op-${randomUUID()}`,
    issuedAt: Date.now(),
    issuedBy: 'OPERATOR',
    reason: step.reason,
  });
  await publishCommand(step.ctx, command);
  return awaitOutcome(step.view, command, step.timeoutMs, step.out);
}

/** Sends what the plan names, in order, stopping at the first command the router rejects. */
async function carryOut(step: Step, spec: RolloutSpec, plan: ApplyPlan): Promise<number> {
  if (plan.kind === 'finish') return endLive(step, spec.model, plan.action, plan.candidate);
  if (plan.kind !== 'start') return ExitCode.ok;
  if (plan.replacing !== null) {
    const code = await endLive(step, spec.model, 'ROLLBACK');
    if (code !== ExitCode.ok) return code;
  }
  const hasPolicy = Object.keys(spec.policy).length > 0;
  const command = startCommand(
    {
      model: spec.model,
      stable: spec.stable,
      canary: spec.canary,
      candidates: spec.candidates,
      shadows: spec.shadows,
      rolloutId: spec.rolloutId ?? undefined,
      policy: hasPolicy
        ? { text: JSON.stringify(spec.policy), policy: parsePolicy(spec.policy) }
        : null,
      reason: step.reason,
    },
    step.view.states.get(spec.model),
  );
  await publishCommand(step.ctx, command);
  return awaitOutcome(step.view, command, step.timeoutMs, step.out);
}

/** Plans one spec against the live state, prints the difference and, unless a dry run, applies it. */
async function applyOne(
  step: Step,
  where: string,
  spec: RolloutSpec,
  o: ApplyOptions,
): Promise<Outcome> {
  const { out } = step;
  const state = step.view.states.get(spec.model);
  const plan = planApply(spec, state, { force: o.force === true });
  out.line(`${spec.model} (${where}):`);
  if (plan.kind === 'unchanged') {
    out.line(`  unchanged: ${plan.note}`);
    return 'unchanged';
  }
  const live = state === undefined ? '' : renderSpec(specOfState(state));
  for (const line of specDiff(live, renderSpec(spec))) out.line(`  ${line}`);
  if (plan.kind === 'refused') {
    out.error(`${spec.model}: refused: ${plan.reason}`);
    return 'refused';
  }
  if (o.dryRun === true) {
    out.line(`  dry run: ${plan.note}; nothing sent`);
    return 'changed';
  }
  out.line(`  ${plan.note}`);
  return (await carryOut(step, spec, plan)) === ExitCode.ok ? 'changed' : 'failed';
}

/**
 * `kanary apply -f <file|folder>…`: makes each model's rollout what its spec says, showing the
 * difference first. Every spec is validated before anything is sent; a spec already in force
 * sends nothing. Exit 0 when every spec is in force (or, with `--dry-run`, could be applied),
 * 1 when one was refused or rejected, 2 when a spec is invalid.
 */
export async function apply(ctx: CliContext, out: Output, o: ApplyOptions): Promise<number> {
  const { specs, invalid } = await loadSpecFiles(o.filename);
  if (invalid.length > 0) {
    for (const { where, problems } of invalid) {
      out.error(`invalid spec ${where}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    }
    out.error('nothing applied');
    return ExitCode.usage;
  }
  if (specs.length === 0) {
    out.line(`no rollout specs in ${o.filename.join(', ')}: nothing to apply`);
    return ExitCode.ok;
  }
  const view = await new RolloutView(ctx).open();
  const counts: Record<Outcome, number> = { unchanged: 0, changed: 0, refused: 0, failed: 0 };
  try {
    const step: Step = {
      ctx,
      out,
      view,
      timeoutMs: Number(o.timeout) * 1000,
      reason: 'applied from a rollout spec (kanary apply)',
    };
    for (const { where, spec } of specs) counts[await applyOne(step, where, spec, o)]++;
  } finally {
    await view.close();
  }
  const changed = o.dryRun === true ? 'would change' : 'changed';
  out.line(
    `${counts.changed} ${changed}, ${counts.unchanged} unchanged, ${counts.refused} refused${counts.failed > 0 ? `, ${counts.failed} rejected by the router` : ''}`,
  );
  return counts.refused + counts.failed > 0 ? ExitCode.failed : ExitCode.ok;
}

/** Adds `kanary apply`. */
export function registerApplyCommand(program: Command, withContext: WithContext): void {
  const command = program
    .command('apply')
    .description(
      'make rollouts what YAML specs say (idempotent): shows the difference, then starts or replaces rollouts',
    )
    .requiredOption(
      '-f, --filename <path...>',
      'spec files, or folders whose *.yaml / *.yml files are applied (see examples/rollouts)',
    )
    .option('--dry-run', 'show the difference and what would be sent, send nothing')
    .option(
      '--force',
      'allow a change that ends a live rollout (rolled back, then started as specified), or reruns a rolled-back one',
    )
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the router per command').default(
        '15',
      ),
    );
  command.action(withContext((ctx, out) => apply(ctx, out, command.opts<ApplyOptions>())));
}
