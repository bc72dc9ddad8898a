import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Candidate, DecisionReport, RolloutCommand, RolloutState } from '@kanary/contracts';
import { armReport } from '@kanary/evidence';
import {
  commandOnState,
  commandTarget,
  describeIssues,
  OperatorVerb,
  parsePolicy,
  rolloutCommandSchema,
  RolloutMode,
  maxCandidateWeight,
  startingWeight,
} from '@kanary/rollout';
import { awaitCommandOutcome, publishCommand, RolloutView } from '@kanary/rollout-client';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { ExitCode } from '../errors.js';
import type { Output } from '../output.js';
import type { WithContext } from './register-traffic-commands.js';
import { loadPolicyFile, type PolicyFile } from './policy-file.js';
import { parseOption } from '../option-parsers.js';
import { describe, pct, statusLines } from './rollout-status.js';

export interface StartOptions {
  model: string;
  stable: string;
  canary?: string;
  candidates?: string[];
  shadow?: boolean;
  policy?: string;
  rolloutId?: string;
  wait: boolean;
  timeout: string;
}

/** `--canary` / `--candidate`: the candidate of an A/B/n rollout a command is about. */
interface TargetOptions {
  canary?: string;
  candidate?: string;
}

interface ApproveOptions extends TargetOptions {
  model?: string;
  by: string;
  reason?: string;
  wait: boolean;
  timeout: string;
}

/** Prints the outcome of a command once the router has handled it; exit 1 when rejected. */
export async function awaitOutcome(
  view: RolloutView,
  command: RolloutCommand,
  timeoutMs: number,
  out: Output,
): Promise<number> {
  const result = await awaitCommandOutcome(view, command, timeoutMs);
  if (result.outcome === 'REJECTED') {
    out.error(`rejected: ${result.reasonCode ?? ''} ${result.message ?? ''}`.trim());
    return ExitCode.failed;
  }
  out.line(`applied: ${command.action} ${command.model} → ${describe(result.state)}`);
  return ExitCode.ok;
}

/** What a START needs beyond the model's current state. */
export interface StartRequest {
  readonly model: string;
  readonly stable: string;
  /** The canary; null (or absent) with `candidates`. */
  readonly canary?: string | null | undefined;
  /** An A/B/n rollout: two or more candidates judged against the stable. @default none */
  readonly candidates?: readonly string[] | undefined;
  /** Default: `<model>-<UTC timestamp>`. */
  readonly rolloutId?: string | undefined;
  /** Shadow mode even if the policy says canary. */
  readonly shadow?: boolean | undefined;
  /** Variants that get a copy of every request while the rollout is live. @default [] */
  readonly shadows?: readonly string[] | undefined;
  /** The policy as the user wrote it (null: all defaults). */
  readonly policy: PolicyFile | null;
  readonly reason: string;
}

/**
 * An operator's START command on top of the model's current state (if any). With candidates it
 * starts in canary mode (each candidate at the policy's first weight); `shadow` is for one canary.
 */
export function startCommand(
  request: StartRequest,
  current: RolloutState | undefined,
  now = Date.now(),
): RolloutCommand {
  const policy = request.policy?.policy ?? parsePolicy(null);
  const candidates = [...(request.candidates ?? [])];
  // Candidates start in canary mode, at the first step capped at a candidate's slice.
  const abn = candidates.length > 0;
  const shadow = !abn && (request.shadow === true || policy.mode === RolloutMode.SHADOW);
  const first = policy.steps[0] ?? null;
  const weight = abn
    ? Math.min(first ?? 0, maxCandidateWeight(candidates.length))
    : shadow
      ? null
      : startingWeight(policy);
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14);
  return {
    commandId: `op-${randomUUID()}`,
    rolloutId: request.rolloutId ?? `${request.model}-${stamp}`,
    model: request.model,
    action: 'START',
    stable: request.stable,
    canary: abn ? null : (request.canary ?? null),
    shadows: [...(request.shadows ?? [])],
    canaryWeight: weight,
    stepIndex: shadow ? null : 0,
    basedOnSeq: current?.seq ?? null,
    issuedBy: 'OPERATOR',
    reason: request.reason,
    policy: request.policy?.text ?? null,
    issuedAt: now,
    actor: null,
    candidates,
  };
}

/** `canary b` or `candidates a, b, c`: what a START puts against the stable. */
function startedVariants(command: RolloutCommand): string {
  return command.candidates.length > 0
    ? `candidates ${command.candidates.join(', ')}${command.candidates.length > 1 ? ' (each)' : ''}`
    : `canary ${command.canary ?? ''}`;
}

export async function rolloutStart(ctx: CliContext, out: Output, o: StartOptions): Promise<number> {
  // Validated before anything is published: a typo in the policy fails here, naming the field.
  const policy = o.policy ? await loadPolicyFile(o.policy) : null;
  const view = await new RolloutView(ctx).open();
  try {
    const command = startCommand(
      { ...o, policy, reason: 'started from the kanary CLI' },
      view.states.get(o.model),
    );
    if (command.candidates.length > 0) {
      // The router would reject it; say why before publishing (a first step above the slice).
      const parsed = rolloutCommandSchema.safeParse(command);
      if (!parsed.success) {
        out.error(`cannot start: ${describeIssues(parsed.error)}`);
        return ExitCode.usage;
      }
    }
    const shadow = command.canaryWeight === null;
    await publishCommand(ctx, command);
    out.line(
      `published START ${command.rolloutId} for ${o.model}: stable ${o.stable}, ${startedVariants(command)}${shadow ? ' (shadow)' : ` at ${pct(command.canaryWeight ?? 0)}`}`,
    );
    return o.wait ? await awaitOutcome(view, command, Number(o.timeout) * 1000, out) : ExitCode.ok;
  } finally {
    await view.close();
  }
}

export async function rolloutAction(
  ctx: CliContext,
  out: Output,
  verb: OperatorVerb,
  o: TargetOptions & {
    model: string;
    reason?: string;
    by?: string;
    wait: boolean;
    timeout: string;
  },
): Promise<number> {
  const view = await new RolloutView(ctx).open();
  try {
    const state = view.states.get(o.model);
    if (!state) {
      out.error(
        `unknown model "${o.model}": no rollout was ever started for it (see: kanary rollout status)`,
      );
      return ExitCode.failed;
    }
    const target = commandTarget(state, OperatorVerb[verb], o.canary ?? o.candidate ?? null);
    if (!target.ok) {
      out.error(
        `${target.message} (name the candidate: kanary rollout ${verb} --model ${o.model} --canary <variant>)`,
      );
      return ExitCode.usage;
    }
    const command = commandOnState(target.state, OperatorVerb[verb], {
      commandId: `op-${randomUUID()}`,
      issuedAt: Date.now(),
      issuedBy: 'OPERATOR',
      reason: o.reason ?? `${verb} from the kanary CLI`,
      actor: o.by ?? null,
    });
    await publishCommand(ctx, command);
    const about =
      command.canary !== null && state.candidates.length > 0 ? ` ${command.canary}` : '';
    out.line(`published ${command.action}${about} for ${o.model} (based on seq ${state.seq})`);
    return o.wait ? await awaitOutcome(view, command, Number(o.timeout) * 1000, out) : ExitCode.ok;
  } finally {
    await view.close();
  }
}

/** One candidate in `--json`: its state, its arm's numbers and the latest decision about it. */
export type CandidateJson = Candidate & {
  readonly arm: ReturnType<typeof armReport> | null;
  readonly lastDecision: DecisionReport | null;
};

/**
 * `--json`'s candidates: each with its status, weight and step, its arm's numbers so far and the
 * latest decision about it (its evidence against the stable).
 */
export function candidatesJson(
  s: RolloutState,
  view: Pick<RolloutView, 'candidateDecisions'> & {
    evidence: Pick<RolloutView['evidence'], 'armTotals'>;
  },
): CandidateJson[] {
  const arms = view.evidence.armTotals(s.rolloutId).map(armReport);
  return s.candidates.map((c) => ({
    ...c,
    arm: arms.find((a) => a.variant === c.variant) ?? null,
    lastDecision: view.candidateDecisions.get(`${s.rolloutId}/${c.variant}`) ?? null,
  }));
}

export async function rolloutStatus(
  ctx: CliContext,
  out: Output,
  o: { model?: string; watch?: boolean; json?: boolean },
): Promise<number> {
  const view = await new RolloutView(ctx, { evidence: true }).open();
  const print = () => {
    if (o.json) {
      const states = [...view.states.values()].filter((s) => !o.model || s.model === o.model);
      const progress = view.evidence.progress();
      out.line(
        JSON.stringify(
          states.map((s) => ({
            ...s,
            lastDecision: view.decisions.get(s.rolloutId) ?? null,
            arms: view.evidence.armTotals(s.rolloutId).map(armReport),
            candidates: candidatesJson(s, view),
            evidence: {
              partitions: progress.partitions,
              watermarks: Object.fromEntries(progress.watermarks),
              low: progress.low,
            },
          })),
        ),
      );
      return;
    }
    const lines = statusLines(
      {
        states: view.states.values(),
        decisions: view.decisions,
        candidateDecisions: view.candidateDecisions,
        arms: (rolloutId) => view.evidence.armTotals(rolloutId).map(armReport),
      },
      o.model,
    );
    out.line(
      lines.length > 0
        ? lines.join('\n')
        : o.model
          ? `no rollout for model "${o.model}"`
          : 'no rollouts yet',
    );
  };
  print();
  if (!o.watch) {
    await view.close();
    return o.model && !view.states.has(o.model) ? ExitCode.failed : ExitCode.ok;
  }
  view.onChange(() => {
    out.line(`--- ${new Date().toISOString()}`);
    print();
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await view.close();
  return ExitCode.ok;
}

/** Adds `kanary rollout start|status|pause|resume|promote|rollback`. */
export function registerRolloutCommands(program: Command, withContext: WithContext): void {
  const rollout = program.command('rollout').description('start, inspect and steer rollouts');
  const waitOptions = (c: Command) =>
    c
      .option('--no-wait', 'return once the command is published, without waiting for the router')
      .addOption(
        new Option('--timeout <seconds>', 'how long to wait for the router').default('15'),
      );
  const start = waitOptions(
    rollout
      .command('start')
      .description(
        'start a rollout: the canary gets the first step of the policy (or shadow copies)',
      )
      .requiredOption('--model <model>', 'logical model name')
      .requiredOption(
        '--stable <variant>',
        'variant serving today (for a model with a past rollout: its current stable)',
      )
      .option('--canary <variant>', 'new variant to evaluate')
      .option(
        '--candidates <variants>',
        'A/B/n: two or more new variants (comma-separated), each judged against the stable and given the first step of the policy in its own slice of the traffic (instead of --canary)',
        parseOption.list,
      )
      .option('--shadow', 'shadow mode: the canary gets a copy of every request and serves nobody')
      .option(
        '--policy <file>',
        'rollout policy JSON (see README, "Policy reference"); defaults apply to missing fields',
      )
      .option('--rollout-id <id>', 'id of the new rollout (default: <model>-<timestamp>)'),
  );
  start.hook('preAction', (command) => {
    const problem = startOptionsProblem(command.opts<StartOptions>());
    if (problem !== null) command.error(`error: ${problem}`);
  });
  start.action(withContext((ctx, out) => rolloutStart(ctx, out, start.opts<StartOptions>())));
  const status = rollout
    .command('status')
    .description(
      "show each model's rollout: phase, weight, step, each arm's metrics and segments so far, last command, and the last decision with its evidence (A/B/n: each candidate's status, weight, step, accuracy against the stable and the last decision about it)",
    )
    .option('--model <model>', 'only this model (exit 1 if it has no rollout)')
    .option('--watch', 'keep printing as states and decisions change (Ctrl-C to stop)')
    .option('--json', 'print JSON');
  status.action(withContext((ctx, out) => rolloutStatus(ctx, out, status.opts())));
  for (const verb of Object.keys(OperatorVerb) as OperatorVerb[]) {
    if (verb === 'approve') continue;
    const c = waitOptions(
      rollout
        .command(verb)
        .description(
          `${verb} the model's live rollout (an operator command; the router applies it)`,
        )
        .requiredOption('--model <model>', 'logical model name')
        .option('--reason <text>', 'why, recorded with the command'),
    );
    targetOptions(c, verb);
    c.action(withContext((ctx, out) => rolloutAction(ctx, out, verb, c.opts())));
  }
  const approve = waitOptions(
    rollout
      .command('approve')
      .description(
        "approve the current step of the model's rollout: a PROMOTE (or ADVANCE) the policy gates goes ahead once the evidence allows it",
      )
      .argument('[model]', 'logical model name (or --model)')
      .option('--model <model>', 'logical model name')
      .option('--by <name>', 'who approves, recorded in the state and the decision log', approver())
      .option('--reason <text>', 'why, recorded with the approval'),
  );
  targetOptions(approve, 'approve');
  approve.hook('preAction', (command) => {
    if (command.opts<{ model?: string }>().model === undefined && command.args[0] === undefined) {
      command.error('error: name the model: kanary rollout approve <model> (or --model <model>)');
    }
  });
  approve.action(
    withContext((ctx, out) => {
      const o = approve.opts<ApproveOptions>();
      return rolloutAction(ctx, out, 'approve', { ...o, model: o.model ?? approve.args[0] ?? '' });
    }),
  );
}

/** Why a START's options do not make a rollout, or null. */
export function startOptionsProblem(
  o: Pick<StartOptions, 'canary' | 'candidates' | 'shadow'>,
): string | null {
  if (o.canary !== undefined && o.candidates !== undefined) {
    return '--canary and --candidates are mutually exclusive: one canary, or two or more candidates (A/B/n)';
  }
  if (o.candidates !== undefined) {
    if (o.candidates.length < 2) {
      return `--candidates needs two or more variants (got ${o.candidates.join(', ')}; for one, use --canary)`;
    }
    if (o.shadow === true) return '--shadow is for one --canary: candidates start in canary mode';
    return null;
  }
  return o.canary === undefined
    ? 'name the new variant: --canary <variant>, or --candidates <a,b,...> for an A/B/n rollout'
    : null;
}

const CANDIDATE_HELP: Record<OperatorVerb, string> = {
  pause: 'A/B/n: the candidate the PAUSE is about (the whole rollout pauses)',
  resume: 'A/B/n: the candidate the RESUME is about (the whole rollout resumes)',
  promote:
    'A/B/n: the candidate to promote, required then (the other live candidates end); for one canary, its name if given',
  rollback:
    'A/B/n: the one candidate to roll back (its traffic returns to the stable; the others go on); without it every candidate is rolled back',
  approve: 'A/B/n: the candidate the approval is about',
};

/** Adds `--canary <variant>` (alias `--candidate`) naming the candidate a command is about. */
function targetOptions(c: Command, verb: OperatorVerb): void {
  c.option('--canary <variant>', CANDIDATE_HELP[verb]).option(
    '--candidate <variant>',
    'same as --canary',
  );
  c.hook('preAction', (command) => {
    const o = command.opts<TargetOptions>();
    if (o.canary !== undefined && o.candidate !== undefined && o.canary !== o.candidate) {
      command.error(
        `error: --canary ${o.canary} and --candidate ${o.candidate} name different candidates; give one`,
      );
    }
  });
}

/** The operator's login name, the default approver. */
function approver(): string {
  try {
    return userInfo().username || 'operator';
  } catch {
    return process.env['USER'] ?? 'operator';
  }
}
