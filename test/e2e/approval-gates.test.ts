/**
 * Approval gates end to end (router, evaluator, decision service on the test broker): a PROMOTE
 * the policy gates waits — HOLD with `awaitingApproval`, the router's state unchanged — until it
 * is approved from the CLI, the web console or a confirm webhook, and the approver is recorded
 * in the state and the decision log; a guardrail rollback does not wait.
 */
import { randomBytes } from 'node:crypto';
import { buildProgram } from '@kanary/cli';
import { loadConsoleConfig, startConsole } from '@kanary/console';
import type { DecisionReport, RolloutState } from '@kanary/contracts';
import { verifyWebhook } from '@kanary/decision';
import { createLogger } from '@kanary/observability';
import type { PolicyInput } from '@kanary/rollout';
import type { Router } from '@kanary/router';
import { disconnectTestClients, testInfra, waitFor } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  FAST_POLICY,
  MODEL,
  decisionBed,
  knows,
  startCommand,
  stateAt,
  stepTraffic,
  type DecisionBed,
} from '../../services/decision/test/decision-bed.js';
import { webhookReceiver } from '../../services/decision/test/webhook-receiver.js';

afterAll(disconnectTestClients);

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => undefined);
  cleanup = [];
});

/** One step, then PROMOTE — which waits for an approval. */
const GATED: PolicyInput = { ...FAST_POLICY, steps: [0.2], approval: { promote: true } };
const CONSOLE_TOKEN = randomBytes(16).toString('hex');
const GATE_SECRET = 'approval-test-gate-secret';

interface Gate {
  readonly bed: DecisionBed;
  readonly router: Router;
  readonly reports: { readonly records: readonly DecisionReport[] };
}

/** A bed with router, evaluator and decision service running a START of `policy`. */
async function gatedRollout(
  rolloutId: string,
  policy: PolicyInput,
  decisionEnv: Record<string, string> = {},
): Promise<Gate & { started: RolloutState }> {
  const bed = await decisionBed();
  cleanup.push(() => bed.close());
  const router = await bed.router();
  await bed.evaluator();
  const decision = await bed.decision(decisionEnv);
  const reports = await bed.collect(bed.catalog.decisions);
  await bed.produce(bed.catalog.commands, [startCommand(rolloutId, policy)], (c) => c.model);
  const started = await stateAt(router, 1);
  await knows(decision, rolloutId, 0);
  return { bed, router, reports, started };
}

/** Sends a clearly better canary's traffic and waits until its PROMOTE awaits approval. */
async function awaitApproval(gate: Gate & { started: RolloutState }): Promise<DecisionReport> {
  const better = { stable: 0.85, canary: 0.97 };
  await gate.bed.send(
    await stepTraffic(gate.started, 'a', { stable: 600, canary: 150 }, better, 1),
  );
  const waiting = await waitFor(
    () => gate.reports.records.find((r) => r.awaitingApproval === 'PROMOTE'),
    { timeoutMs: 60_000, description: 'a HOLD awaiting approval to PROMOTE' },
  );
  expect(waiting).toMatchObject({ action: 'HOLD', commandId: null, approvedBy: null });
  expect(waiting.reason).toMatch(/^Awaiting approval to PROMOTE after step 0/);
  // Nothing was promoted: the router's state is the one the START made.
  expect(gate.router.rollout(MODEL)).toMatchObject({ phase: 'CANARY', seq: 1, approval: null });
  return waiting;
}

/** Waits for the promotion an approval allowed; returns the final state and the PROMOTE report. */
async function promoted(gate: Gate): Promise<{ state: RolloutState; report: DecisionReport }> {
  const state = await waitFor(
    () =>
      gate.router.rollout(MODEL)?.phase === 'PROMOTED' ? gate.router.rollout(MODEL) : undefined,
    { timeoutMs: 60_000, description: () => `PROMOTED (is ${gate.router.rollout(MODEL)?.phase})` },
  );
  const report = await waitFor(() => gate.reports.records.find((r) => r.action === 'PROMOTE'), {
    timeoutMs: 60_000,
  });
  return { state, report };
}

describe('approval gates', () => {
  it('a PROMOTE waits for kanary rollout approve, which records the approver', async () => {
    const gate = await gatedRollout('r-cli', GATED);
    await awaitApproval(gate);
    const infra = testInfra();
    const kanary = async (...args: string[]) => {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const { run } = buildProgram({ line: (t) => stdout.push(t), error: (t) => stderr.push(t) });
      const code = await run([
        ...['--brokers', infra.brokers.join(','), '--registry', infra.registryUrl],
        ...['--prefix', gate.bed.prefix, '--partitions', '2'],
        ...args,
      ]);
      return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
    };
    const status = await kanary('rollout', 'status', '--model', MODEL);
    expect(status.stdout).toContain(
      `AWAITING APPROVAL to PROMOTE: kanary rollout approve ${MODEL}`,
    );

    const approve = await kanary(
      'rollout',
      'approve',
      MODEL,
      '--by',
      'alice',
      '--reason',
      'dashboards fine',
    );
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('applied: APPROVE');

    const { state, report } = await promoted(gate);
    expect(state.approval).toMatchObject({
      stepIndex: 0,
      approvedBy: 'alice',
      issuedBy: 'OPERATOR',
      reason: 'dashboards fine',
    });
    expect(report).toMatchObject({ approvedBy: 'alice', commandId: 'r-cli:2:PROMOTE' });
    expect(report.reason).toContain('(approved by alice)');
    const after = await kanary('rollout', 'status', '--model', MODEL);
    expect(after.stdout).toContain('approved: step 0 by alice — dashboards fine');
    expect(after.stdout).toContain('last decision: PROMOTE (approved by alice)');
  });

  it('a PROMOTE waits for the console’s approve action, which records the approver', async () => {
    const gate = await gatedRollout('r-console', GATED);
    const web = await startConsole(
      loadConsoleConfig({
        ...gate.bed.env,
        CONSOLE_HTTP_PORT: '0',
        CONSOLE_HTTP_HOST: '127.0.0.1',
        CONSOLE_OPERATOR_TOKEN: CONSOLE_TOKEN,
      }),
      { logger: createLogger({ service: 'console', level: 'silent' }) },
    );
    cleanup.push(() => web.stop());
    await web.ready;
    await awaitApproval(gate);
    const rollout = await waitFor(async () => {
      const response = await fetch(`${web.url}/api/rollouts`);
      const { rollouts } = (await response.json()) as {
        rollouts: Array<{ model: string; actions: string[]; awaitingApproval: string | null }>;
      };
      return rollouts.find((r) => r.model === MODEL && r.awaitingApproval === 'PROMOTE');
    });
    expect(rollout.actions).toContain('approve');

    const response = await fetch(`${web.url}/api/models/${MODEL}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CONSOLE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rolloutId: 'r-console', by: 'bob' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'APPLIED' });

    const { state, report } = await promoted(gate);
    expect(state.approval).toMatchObject({ approvedBy: 'bob (console)', issuedBy: 'OPERATOR' });
    expect(report.approvedBy).toBe('bob (console)');
  });

  it('a PROMOTE waits for a 2xx of the confirm webhook, which approves it', async () => {
    let answer = 403;
    const receiver = await webhookReceiver({ '/confirm': () => answer });
    cleanup.unshift(() => receiver.close());
    const gate = await gatedRollout(
      'r-webhook',
      {
        ...GATED,
        approval: {
          promote: true,
          confirmWebhook: { url: receiver.url('/confirm'), secretName: 'gate' },
        },
      },
      { DECISION_WEBHOOK_SECRETS: JSON.stringify({ gate: GATE_SECRET }) },
    );
    await awaitApproval(gate);
    // Asked again and again while it answers 403; nothing moves.
    const asked = await receiver.waitFor('/confirm', (rs) => rs.length >= 2);
    expect(gate.router.rollout(MODEL)).toMatchObject({ phase: 'CANARY', approval: null });
    const request = asked[0]!;
    expect(request.json).toMatchObject({
      type: 'rollout.approval_requested',
      id: 'approval-requested:r-webhook:0:PROMOTE',
      model: MODEL,
      decision: { awaitingApproval: 'PROMOTE', code: 'AWAITING_APPROVAL' },
    });
    const header = (name: string) => request.headers[name] as string | undefined;
    expect(
      verifyWebhook({
        secret: GATE_SECRET,
        body: request.body,
        timestamp: header('x-kanary-timestamp'),
        signature: header('x-kanary-signature'),
        nowSeconds: Math.floor(Date.now() / 1_000),
      }),
    ).toBe(true);

    answer = 200;
    const { state, report } = await promoted(gate);
    const host = new URL(receiver.url('/')).host;
    expect(state.approval).toMatchObject({
      approvedBy: `confirm-webhook ${host}`,
      issuedBy: 'DECISION',
      commandId: 'r-webhook:1:APPROVE',
    });
    expect(report.approvedBy).toBe(`confirm-webhook ${host}`);
  });

  it('a guardrail rollback does not wait for an approval', async () => {
    const gate = await gatedRollout('r-worse', {
      ...FAST_POLICY,
      approval: { promote: true, advance: true },
    });
    const worse = { stable: 0.9, canary: 0.4 };
    await gate.bed.send(
      await stepTraffic(gate.started, 'a', { stable: 400, canary: 100 }, worse, 7),
    );
    const state = await waitFor(
      () =>
        gate.router.rollout(MODEL)?.phase === 'ROLLED_BACK'
          ? gate.router.rollout(MODEL)
          : undefined,
      {
        timeoutMs: 60_000,
        description: () => `ROLLED_BACK (is ${gate.router.rollout(MODEL)?.phase})`,
      },
    );
    expect(state.approval).toBeNull();
    expect(state.lastCommand).toMatchObject({
      commandId: 'r-worse:1:ROLLBACK',
      issuedBy: 'DECISION',
    });
    expect(gate.reports.records.some((r) => r.awaitingApproval !== null)).toBe(false);
  });
});
