import { waitFor } from '@kanary/testkit';
import type { Admin } from 'kafkajs';
import {
  committedOffsets,
  describeGroup,
  endOffsets,
  stableWithAssigned,
  type GroupView,
} from './group-members.js';

/** One of two members of a consumer group, to be stalled while the other takes its work. */
export interface StallTarget {
  readonly groupId: string;
  /** Process id of the member to stall, when the stall begins. */
  readonly pid: () => number | undefined;
  /** Kafka client id of the member to stall. */
  readonly clientId: string;
  /** Kafka client id of the other member, which must take the stalled member's partitions. */
  readonly survivorClientId: string;
  /** The least time the member stays frozen: at least its session timeout. */
  readonly minStallMs: number;
}

/** What one stall did, and how long each step took. */
export interface Stall {
  readonly groupId: string;
  readonly clientId: string;
  /** The partitions the stalled member held (`topic:partition`). */
  readonly moved: readonly string[];
  /** From SIGSTOP to SIGCONT. */
  readonly stalledMs: number;
  /** From SIGCONT until the group was stable again with both members assigned. */
  readonly rejoinedMs: number;
}

const fmt = (view: GroupView | undefined): string =>
  view === undefined
    ? 'not described yet'
    : `${view.state}: ${view.members.map((m) => `${m.clientId} [${m.partitions.join(' ')}]`).join(', ')}`;

/** The client id's partitions in a stable group of exactly `members`, each assigned. */
const heldBy = (view: GroupView, members: readonly string[], clientId: string) =>
  stableWithAssigned(view, members)
    ? view.members.find((m) => m.clientId === clientId)?.partitions
    : undefined;

/**
 * Waits until, in a stable group of exactly `members`, the group has committed past `before`
 * on every one of `partitions` that has input past it (one with at most a transaction marker
 * after its last commit has nothing to process): whoever holds them is processing them. Not
 * done before the time `notBefore`.
 */
async function waitForCommitsPast(
  admin: Admin,
  groupId: string,
  members: readonly string[],
  before: ReadonlyMap<string, number>,
  what: string,
  timeoutMs: number,
  notBefore = 0,
): Promise<void> {
  const partitions = [...before.keys()];
  let view: GroupView | undefined;
  let behind = partitions;
  await waitFor(
    async () => {
      if (Date.now() < notBefore) return false;
      view = await describeGroup(admin, groupId);
      if (!stableWithAssigned(view, members)) return false;
      const now = await committedOffsets(admin, groupId, partitions);
      const ends = await endOffsets(admin, partitions);
      const idle = (p: string) => before.get(p)! >= ends.get(p)! - 1;
      behind = partitions.filter((p) => now.get(p)! <= before.get(p)! && !idle(p));
      return behind.length === 0;
    },
    {
      timeoutMs,
      intervalMs: 200,
      description: () => `${what} (${fmt(view)}; not committed on: ${behind.join(' ')})`,
    },
  );
}

/**
 * Freezes a group member (SIGSTOP) — a long GC pause, a throttled container, a stopped VM —
 * in the middle of its work, for at least `minStallMs` and until its session has expired and the
 * other member, alone in the group, has committed on every partition it took over (so it processed input the stalled
 * member may still hold, fetched or in an open transaction); then wakes it (SIGCONT) and waits
 * until it has rejoined. What the woken member did with the work it held is for the caller's
 * audit to judge.
 *
 * The member is stalled only once it has committed on all its partitions since the group last
 * settled: an evaluator that is still restoring a partition's state heartbeats, and the
 * heartbeat after the stall would abort its transaction before it could do harm.
 */
export async function stallPastSession(
  admin: Admin,
  target: StallTarget,
  timeoutMs: number,
): Promise<Stall> {
  const { groupId, clientId, survivorClientId } = target;
  const members = [clientId, survivorClientId];
  let view: GroupView | undefined;
  const moved = await waitFor(
    async () => heldBy((view = await describeGroup(admin, groupId)), members, clientId),
    {
      timeoutMs,
      intervalMs: 200,
      description: () => `${groupId} stable with ${members.join(' and ')} (${fmt(view)})`,
    },
  );
  await waitForCommitsPast(
    admin,
    groupId,
    members,
    await committedOffsets(admin, groupId, moved),
    `${clientId} committing on its partitions in ${groupId}`,
    timeoutMs,
  );
  const pid = target.pid();
  if (pid === undefined) throw new Error(`${clientId} has no process`);

  process.kill(pid, 'SIGSTOP');
  const stopped = Date.now();
  let woken: number;
  try {
    await waitForCommitsPast(
      admin,
      groupId,
      [survivorClientId],
      // Read after the stop: nothing the stalled member still holds is committed yet.
      await committedOffsets(admin, groupId, moved),
      `${survivorClientId} alone in ${groupId}, committing on ${clientId}'s partitions`,
      timeoutMs,
      stopped + target.minStallMs,
    );
  } finally {
    // Whatever happened, the member must not be left frozen.
    process.kill(pid, 'SIGCONT');
    woken = Date.now();
  }
  await waitFor(
    async () => heldBy((view = await describeGroup(admin, groupId)), members, clientId),
    {
      timeoutMs,
      intervalMs: 200,
      description: () => `${clientId} back in ${groupId} after SIGCONT (${fmt(view)})`,
    },
  );
  return { groupId, clientId, moved, stalledMs: woken - stopped, rejoinedMs: Date.now() - woken };
}
