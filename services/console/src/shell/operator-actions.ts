import { randomUUID } from 'node:crypto';
import type { RolloutState } from '@kanary/contracts';
import type { Logger } from '@kanary/observability';
import { commandOnState, commandTarget, OperatorVerb } from '@kanary/rollout';
import {
  awaitCommandOutcome,
  publishCommand,
  StateWaitTimeoutError,
  type RolloutClientContext,
  type RolloutView,
} from '@kanary/rollout-client';

/** What became of an operator action; `status` is the HTTP status to answer with. */
export type ActionResult =
  | {
      readonly status: 200;
      readonly outcome: 'APPLIED';
      readonly message: string;
      readonly state: RolloutState;
    }
  | { readonly status: 409; readonly outcome: 'REJECTED' | 'STALE_PAGE'; readonly message: string }
  | { readonly status: 404; readonly outcome: 'UNKNOWN_MODEL'; readonly message: string }
  | { readonly status: 400; readonly outcome: 'BAD_CANDIDATE'; readonly message: string }
  | {
      readonly status: 202;
      readonly outcome: 'PENDING';
      readonly message: string;
      readonly commandId: string;
    };

export interface ActionRequest {
  readonly model: string;
  readonly verb: OperatorVerb;
  /** The rollout the operator was looking at; a different current rollout refuses the action. */
  readonly rolloutId?: string | undefined;
  readonly reason?: string | undefined;
  /** Who acts; recorded as `<by> (console)`, or `console`. */
  readonly by?: string | undefined;
  /**
   * The candidate of an A/B/n rollout the action is about (a candidate's button sends it):
   * required to promote one; a rollback naming one rolls back that one alone.
   */
  readonly canary?: string | undefined;
}

/**
 * Operator actions from the console: the command is built on the model's current state with
 * `commandOnState` (so it names the rollout and the `seq` the operator saw, and the router
 * rejects it as stale if the rollout moved meanwhile), published like the CLI's, and the
 * outcome is read back from `rollout.state`. An action about one candidate of an A/B/n rollout
 * is built on that candidate's view (`commandTarget`); a missing or unknown candidate is refused
 * (400, naming the candidates) before anything is published.
 */
export class OperatorActions {
  constructor(
    private readonly ctx: RolloutClientContext,
    private readonly view: RolloutView,
    private readonly options: { waitMs: number; clock: () => number; logger: Logger },
  ) {}

  async perform(request: ActionRequest): Promise<ActionResult> {
    const state = this.view.states.get(request.model);
    if (state === undefined) {
      return {
        status: 404,
        outcome: 'UNKNOWN_MODEL',
        message: `no rollout was ever started for model "${request.model}"`,
      };
    }
    if (request.rolloutId !== undefined && request.rolloutId !== state.rolloutId) {
      return {
        status: 409,
        outcome: 'STALE_PAGE',
        message: `the page shows rollout ${request.rolloutId}, but the model's current rollout is ${state.rolloutId}: reload`,
      };
    }
    const target = commandTarget(state, OperatorVerb[request.verb], request.canary ?? null);
    if (!target.ok) return { status: 400, outcome: 'BAD_CANDIDATE', message: target.message };
    const command = commandOnState(target.state, OperatorVerb[request.verb], {
      commandId: `console-${randomUUID()}`,
      issuedAt: this.options.clock(),
      issuedBy: 'OPERATOR',
      reason: request.reason?.trim() || `${request.verb} from the web console`,
      actor: request.by === undefined ? 'console' : `${request.by} (console)`,
    });
    await publishCommand(this.ctx, command);
    this.options.logger.info(
      {
        event: 'console.command_published',
        model: command.model,
        rolloutId: command.rolloutId,
        action: command.action,
        canary: command.canary,
        commandId: command.commandId,
        basedOnSeq: command.basedOnSeq,
      },
      `${command.action} published`,
    );
    try {
      const result = await awaitCommandOutcome(this.view, command, this.options.waitMs);
      if (result.outcome === 'REJECTED') {
        return {
          status: 409,
          outcome: 'REJECTED',
          message: `rejected: ${[result.reasonCode, result.message].filter(Boolean).join(' ')}`,
        };
      }
      return {
        status: 200,
        outcome: 'APPLIED',
        message: `${command.action} applied: ${result.state.phase}`,
        state: result.state,
      };
    } catch (e) {
      if (!(e instanceof StateWaitTimeoutError)) throw e;
      return {
        status: 202,
        outcome: 'PENDING',
        message: `${command.action} published; no router has applied it yet`,
        commandId: command.commandId,
      };
    }
  }
}
