import type { DecisionReport, RolloutCommand } from '@kanary/contracts';
import { DlqHeader, dlqHeader } from '@kanary/kafka';
import { disconnectTestClients, waitFor, waitForMessages } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DecisionService } from '../src/index.js';
import {
  metricValue,
  knows,
  stateAt,
  MODEL,
  decisionBed,
  startCommand,
  stepTraffic,
  type DecisionBed,
  type Traffic,
  FAST_POLICY as POLICY,
} from './decision-bed.js';

afterAll(disconnectTestClients);

let beds: DecisionBed[] = [];
afterEach(async () => {
  await Promise.allSettled(beds.map((b) => b.close()));
  beds = [];
});

async function newBed(): Promise<DecisionBed> {
  const bed = await decisionBed();
  beds.push(bed);
  return bed;
}

const send = (bed: DecisionBed, traffic: Traffic): Promise<void> => bed.send(traffic);

/** Waits until the engine's summary counts these labelled samples per arm (stable, canary). */
const counted = (service: DecisionService, labelled: [number, number]) =>
  waitFor(
    () => {
      const arms = service.engine.summary(Date.now())[0]?.arms.map((a) => a.labelled);
      return arms?.[0] === labelled[0] && arms[1] === labelled[1] ? arms : undefined;
    },
    {
      timeoutMs: 60_000,
      description: () =>
        `labelled ${labelled.join('/')} (is ${service.engine
          .summary(Date.now())[0]
          ?.arms.map((a) => a.labelled)
          .join('/')})`,
    },
  );
describe('decision service on the broker', () => {
  it('rolls back a clearly worse canary: the router applies the command; reports carry the evidence; bad records go to the DLQ', async () => {
    const bed = await newBed();
    const router = await bed.router();
    await bed.evaluator();
    const decision = await bed.decision();
    const ops = `http://127.0.0.1:${decision.opsPort}`;
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);

    await bed.produce(bed.catalog.commands, [startCommand('r-worse', POLICY)], (c) => c.model);
    const started = await stateAt(router, 1);
    await knows(decision, 'r-worse', 0);
    await bed.produceRaw(bed.catalog.evidence.name, 'garbage', Buffer.from('not avro'));
    const worse = { stable: 0.9, canary: 0.4 };
    await send(bed, await stepTraffic(started, 'a', { stable: 400, canary: 100 }, worse, 7));

    const rolledBack = await waitFor(
      () => (router.rollout(MODEL)?.phase === 'ROLLED_BACK' ? router.rollout(MODEL) : undefined),
      { timeoutMs: 60_000, description: () => `ROLLED_BACK (is ${router.rollout(MODEL)?.phase})` },
    );
    expect(rolledBack.lastCommand).toMatchObject({
      commandId: 'r-worse:1:ROLLBACK',
      issuedBy: 'DECISION',
      outcome: 'APPLIED',
    });
    const commands = await waitForMessages<RolloutCommand>(
      bed.catalog.commands.name,
      (records) => records.some((c) => c.action === 'ROLLBACK'),
      { map: (r) => bed.codec.decode(bed.catalog.commands, r.value) },
    );
    const rollback = commands.find((c) => c.action === 'ROLLBACK')!;
    expect(rollback).toMatchObject({ basedOnSeq: 1, model: MODEL, rolloutId: 'r-worse' });
    const reports = await waitForMessages<DecisionReport>(
      bed.catalog.decisions.name,
      (records) => records.some((r) => r.action === 'ROLLBACK'),
      { map: (r) => bed.codec.decode(bed.catalog.decisions, r.value) },
    );
    const report = reports.find((r) => r.action === 'ROLLBACK')!;
    expect(report.commandId).toBe('r-worse:1:ROLLBACK');
    const accuracy = report.evidence.find((e) => e.metric === 'accuracy');
    expect(accuracy?.outcome).toBe('FAIL');
    expect(accuracy?.upper).toBeLessThan(0);

    const dead = await waitForMessages(bed.catalog.dlq.name, 1);
    expect(dlqHeader(dead[0]!.headers, DlqHeader.service)).toBe('decision');
    expect(dlqHeader(dead[0]!.headers, DlqHeader.sourceTopic)).toBe(bed.catalog.evidence.name);
    expect(await metricValue(decision, /^kanary_decisions_total\{action="ROLLBACK"/)).toBe(1);
    expect(report.evidence.find((e) => e.metric === 'accuracy')).toMatchObject({
      nStable: 400,
      nCanary: 100,
    });
  });

  it('decides the same after a restart mid-step as without one: same commands, same statistics', async () => {
    const run = async (restart: boolean) => {
      const bed = await newBed();
      const router = await bed.router();
      await bed.evaluator();
      // Every HOLD is reported, so that a tick's report carries the statistics it judged.
      const env = { DECISION_HOLD_REPORT_INTERVAL_MS: '0' };
      let decision = await bed.decision(env);
      const commands = await bed.collect(bed.catalog.commands);
      const reports = await bed.collect(bed.catalog.decisions);
      await bed.produce(bed.catalog.commands, [startCommand('r-better', POLICY)], (c) => c.model);
      const step0 = await stateAt(router, 1);
      await knows(decision, 'r-better', 0);
      const better = { stable: 0.85, canary: 0.97 };
      await send(bed, await stepTraffic(step0, 'a', { stable: 600, canary: 150 }, better, 1));
      const step1 = await stateAt(router, 2);
      expect(step1.stepIndex).toBe(1);
      await knows(decision, 'r-better', 1);
      // Half the step's minimum per arm: not enough to decide on its own.
      await send(bed, await stepTraffic(step1, 'b1', { stable: 60, canary: 60 }, better, 2));
      if (restart) {
        await decision.stop();
        decision = await bed.decision(env);
      }
      // Everything so far counted (660 + 210 labelled since the canary started): the statistics
      // must be the same.
      await counted(decision, [660, 210]);
      const {
        reports: [held],
      } = await decision.tick();
      expect(held?.action).toBe('HOLD');
      // The counts judged (comparison since the canary started, this step's window, assignment
      // units); the windows start with the router's states, whose times differ between runs.
      const { comparisonStartedAt, windowStartedAt, evidenceTime, ...observations } = JSON.parse(
        held!.details!,
      ) as Record<string, unknown>;
      expect(evidenceTime).toBeGreaterThanOrEqual(step1.stepStartedAt);
      expect([comparisonStartedAt, windowStartedAt]).toEqual([
        step0.stepStartedAt,
        step1.stepStartedAt,
      ]);
      const statistics = { observations, arms: decision.engine.summary(Date.now())[0]?.arms };

      await send(bed, await stepTraffic(step1, 'b2', { stable: 60, canary: 60 }, better, 3));
      const promoted = await stateAt(router, 3);
      expect(
        promoted.phase,
        reports.records.map((r) => `${r.action} ${r.reason} ${r.details}`).join('\n'),
      ).toBe('PROMOTED');
      const issued = await commands.waitFor(
        (records) => records.filter((c) => c.issuedBy === 'DECISION').length >= 2,
      );
      return {
        commands: issued
          .filter((c) => c.issuedBy === 'DECISION')
          .map((c) => [c.commandId, c.action, c.basedOnSeq]),
        statistics,
      };
    };
    const uninterrupted = await run(false);
    const restarted = await run(true);
    expect(uninterrupted.commands).toEqual([
      ['r-better:1:ADVANCE', 'SET_WEIGHT', 1],
      ['r-better:2:PROMOTE', 'PROMOTE', 2],
    ]);
    expect(restarted).toEqual(uninterrupted);
  });
});
