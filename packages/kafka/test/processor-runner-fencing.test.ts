import { exampleEvents } from '@kanary/contracts';
import {
  connectedAdmin,
  connectedProducer,
  disconnectTestClients,
  waitFor,
  waitForMessages,
} from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRunner, toolkitFixture } from './support.js';

afterAll(() => disconnectTestClients());

/** A stalled member leaves the group after 6 s; a join waits no longer for it. */
const SHORT_SESSION = { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 6_000 };

describe('ProcessorRunner fencing', () => {
  it('an instance that stalls mid-transaction past its session cannot commit once another took its partition over', async () => {
    const f = await toolkitFixture(1);
    const groupId = `${f.prefix}.fenced`;
    const producer = await connectedProducer();
    const send = async (ids: readonly string[]) =>
      producer.send({
        topic: f.catalog.requests.name,
        acks: -1,
        messages: await Promise.all(
          ids.map(async (id) => ({
            key: id,
            value: await f.codec.encode(f.catalog.requests, {
              ...exampleEvents.InferenceRequest,
              requestId: id,
            }),
          })),
        ),
      });
    const ids = Array.from({ length: 20 }, (_, i) => `r-${i}`);
    await send(ids);

    // The zombie: its first transaction has sent its outputs and then stalls (no heartbeats)
    // until the test lets it go on and commit.
    let stalled: () => void = () => undefined;
    const wake = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    let zombieInTransaction = false;
    const zombieAborts: string[] = [];
    const zombieFatal: Error[] = [];
    const zombie = copyRunner(f, groupId, {
      consumer: SHORT_SESSION,
      beforeCommit: async () => {
        if (zombieInTransaction) return;
        zombieInTransaction = true;
        await wake;
      },
      onAbort: (error) => zombieAborts.push((error as Error).message),
      onFatal: (error) => zombieFatal.push(error),
    });
    const successor = copyRunner(f, groupId, { consumer: SHORT_SESSION });
    await zombie.start();
    try {
      await waitFor(() => zombieInTransaction, { timeoutMs: 30_000 });
      // The zombie's session expires; the successor takes the partition, fences the zombie's
      // transactional id (its open transaction is aborted) and copies everything.
      await successor.start();
      await waitFor(() => successor.stats.processed === ids.length, { timeoutMs: 60_000 });
      stalled();
      // The woken zombie's commit is refused: the coordinator knows its epoch is over.
      await waitFor(() => zombieAborts.length > 0, { timeoutMs: 120_000 });
      expect(zombieAborts[0]).toMatch(/fenced by a newer owner/);
      expect(zombie.stats.processed).toBe(0);
      // A fence is not fatal: the zombie's consumer restarts and rejoins the group.
      const admin = await connectedAdmin();
      await waitFor(
        async () => (await admin.describeGroups([groupId])).groups[0]!.members.length === 2,
        { timeoutMs: 60_000, description: 'both instances in the group' },
      );
      expect(zombieFatal).toEqual([]);

      // A last request, copied after the zombie's attempt: once its copy is visible, so is
      // anything the zombie could have committed before.
      await send(['r-end']);
      const copies = await waitForMessages(
        f.catalog.labels.name,
        (records) => records.some((m) => m.key?.toString() === 'r-end'),
        { timeoutMs: 60_000 },
      );
      const copied = copies.map((m) => m.key?.toString()).filter((k) => k !== 'r-end');
      expect(copied.sort()).toEqual([...ids].sort());
    } finally {
      stalled();
      await Promise.all([zombie.stop(), successor.stop()]);
    }
  });
});
