import type { RolloutState } from '@kanary/contracts';
import { DlqHeader, dlqHeader } from '@kanary/kafka';
import { bucketOf, canaryBucketLimit } from '@kanary/rollout';
import { collectMessages, disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { command, commandOn, requestsFor, routerBed, type RouterBed } from './router-test-bed.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const lastCommandIs = (states: readonly RolloutState[], commandId: string) =>
  states.some((s) => s.lastCommand?.commandId === commandId);

describe('router rollout state', () => {
  it('restores the routing table from rollout.state on restart and routes by it before any command', async () => {
    bed = await routerBed();
    const first = await bed.start();
    const start = command({ canaryWeight: 0.05 });
    await bed.command(start);
    const s1 = await waitFor(() => first.rollout('weather'), { timeoutMs: 20_000 });
    await bed.command(commandOn(s1, 'SET_WEIGHT', { canaryWeight: 0.4, stepIndex: 2 }));
    const s2 = await waitFor(
      () => (first.rollout('weather')?.seq === 2 ? first.rollout('weather') : undefined),
      {
        timeoutMs: 20_000,
      },
    );
    await first.stop();

    const second = await bed.start({ KANARY_INSTANCE_ID: 'router-restarted' });
    // Ready means restored: the state is there before any new command.
    expect(second.rollout('weather')).toEqual(s2);
    const routed = await bed.collect(bed.catalog.routed);
    const requests = requestsFor(1_000, 'restored');
    await bed.requests(requests);
    const records = await routed.waitFor(1_000, 60_000);
    const limit = canaryBucketLimit(0.4);
    for (const r of records) {
      const key = `restored-user-${r.requestId.slice('restored-'.length)}`;
      expect(r.variant).toBe(bucketOf(key, 'r1') < limit ? 'weather-tree-v2' : 'weather-logreg-v1');
    }
    expect(new Set(records.map((r) => r.variant))).toEqual(
      new Set(['weather-tree-v2', 'weather-logreg-v1']),
    );
  });

  it('ignores a duplicate, publishes stale and post-ROLLBACK commands as rejected', async () => {
    bed = await routerBed();
    const router = await bed.start();
    const states = await bed.collect(bed.catalog.state);
    const start = command({ canaryWeight: 0.1 });
    await bed.command(start);
    await bed.command(start);
    const s1 = (await states.waitFor((s) => lastCommandIs(s, start.commandId), 20_000))[0]!;

    const stale = commandOn(s1, 'SET_WEIGHT', { canaryWeight: 0.5, basedOnSeq: 0 });
    await bed.command(stale);
    const rejected = (await states.waitFor((s) => lastCommandIs(s, stale.commandId), 20_000)).at(
      -1,
    )!;
    expect(rejected).toMatchObject({
      seq: 1,
      canaryWeight: 0.1,
      lastCommand: { outcome: 'REJECTED', reasonCode: 'STALE_SEQ' },
    });
    expect(rejected.lastCommand?.message).toContain('seq');

    const rollback = commandOn(s1, 'ROLLBACK', { issuedBy: 'DECISION', reason: 'guardrail' });
    await bed.command(rollback);
    const rolledBack = (
      await states.waitFor((s) => lastCommandIs(s, rollback.commandId), 20_000)
    ).at(-1)!;
    expect(rolledBack).toMatchObject({ phase: 'ROLLED_BACK', seq: 2, canaryWeight: 0 });

    const late = commandOn(rolledBack, 'SET_WEIGHT', { canaryWeight: 0.2 });
    await bed.command(late);
    const refused = (await states.waitFor((s) => lastCommandIs(s, late.commandId), 20_000)).at(-1)!;
    expect(refused).toMatchObject({
      phase: 'ROLLED_BACK',
      seq: 2,
      lastCommand: { outcome: 'REJECTED', reasonCode: 'ROLLOUT_FINISHED' },
    });

    // The duplicate START published nothing: one state per handled command, in order.
    expect(states.records.map((s) => [s.seq, s.lastCommand?.commandId])).toEqual([
      [1, start.commandId],
      [1, stale.commandId],
      [2, rollback.commandId],
      [2, late.commandId],
    ]);
    await waitFor(() => router.rollout('weather')?.lastCommand?.commandId === late.commandId, {
      timeoutMs: 10_000,
    });
    const metrics = await router.registry.metrics();
    expect(metrics).toMatch(
      /kanary_commands_total\{outcome="DUPLICATE",action="START",service="router"\} 1/,
    );
    expect(metrics).toMatch(
      /kanary_commands_total\{outcome="REJECTED",action="SET_WEIGHT",service="router"\} 2/,
    );
    expect(metrics).toMatch(/kanary_command_apply_seconds_count\{service="router"\} 4/);
    expect(metrics).toMatch(/kanary_rollout_canary_weight\{model="weather",service="router"\} 0/);
  });

  it('dead-letters a command that no state can record', async () => {
    bed = await routerBed();
    await bed.start();
    const dlq = await collectMessages(bed.catalog.dlq.name);
    const orphan = command({ action: 'PAUSE', model: 'nothing-here', canaryWeight: null });
    await bed.command(orphan);
    const [letter] = await dlq.waitFor(1, 30_000);
    await dlq.stop();
    expect(dlqHeader(letter!.headers, DlqHeader.errorClass)).toBe('CommandRejectedError');
    expect(dlqHeader(letter!.headers, DlqHeader.errorMessage)).toContain('has no rollout');
    expect((await bed.codec.decode(bed.catalog.commands, letter!.value)).commandId).toBe(
      orphan.commandId,
    );
  });

  it('lets every instance route by every applied command', async () => {
    bed = await routerBed();
    const a = await bed.start({ KANARY_INSTANCE_ID: 'router-a' });
    const b = await bed.start({ KANARY_INSTANCE_ID: 'router-b' });
    expect(a.isReady() && b.isReady()).toBe(true);
    await bed.command(command({ canaryWeight: 0.2 }));
    const s1 = await waitFor(() => a.rollout('weather') && b.rollout('weather'), {
      timeoutMs: 20_000,
    });
    await bed.command(commandOn(s1, 'PAUSE'));
    await waitFor(
      () => a.rollout('weather')?.phase === 'PAUSED' && b.rollout('weather')?.phase === 'PAUSED',
      { timeoutMs: 20_000, description: 'both instances to see the PAUSE' },
    );
    expect(a.rollout('weather')).toEqual(b.rollout('weather'));

    // Stopping one instance hands its command partition to the other, which keeps applying.
    await a.stop();
    const paused = b.rollout('weather')!;
    await bed.command(commandOn(paused, 'RESUME'));
    await waitFor(() => b.rollout('weather')?.phase === 'CANARY', {
      timeoutMs: 40_000,
      description: 'the remaining instance to apply the RESUME',
    });
    expect(b.rollout('weather')?.seq).toBe(3);
  });
});
