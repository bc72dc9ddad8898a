import kafkajs, { type Admin } from 'kafkajs';

const { AssignerProtocol } = kafkajs;

/** A member of a consumer group as its coordinator describes it. */
export interface GroupMember {
  readonly clientId: string;
  readonly memberId: string;
  /** Its assigned partitions, as `topic:partition`. */
  readonly partitions: readonly string[];
}

/** A consumer group's state (`Stable`, `PreparingRebalance`, `Empty`...) and members. */
export interface GroupView {
  readonly state: string;
  readonly members: readonly GroupMember[];
}

/** The group as its coordinator sees it now, each member's assignment decoded. */
export async function describeGroup(admin: Admin, groupId: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (group === undefined) throw new Error(`group ${groupId} not described`);
  return {
    state: group.state,
    members: group.members.map((m) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      const partitions = Object.entries(decoded?.assignment ?? {}).flatMap(([topic, ps]) =>
        ps.map((p) => `${topic}:${p}`),
      );
      return { clientId: m.clientId, memberId: m.memberId, partitions: partitions.sort() };
    }),
  };
}

/** True when the group is stable with exactly these client ids as members, each assigned. */
export const stableWithAssigned = (view: GroupView, clientIds: readonly string[]): boolean =>
  view.state === 'Stable' &&
  view.members.length === clientIds.length &&
  clientIds.every((id) => view.members.some((m) => m.clientId === id && m.partitions.length > 0));

const topicsOf = (partitions: readonly string[]): string[] => [
  ...new Set(partitions.map((p) => p.slice(0, p.lastIndexOf(':')))),
];

/** The group's committed offsets of `partitions` (`topic:partition`), -1 where none. */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  partitions: readonly string[],
): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  for (const t of await admin.fetchOffsets({ groupId, topics: topicsOf(partitions) })) {
    for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
  }
  return new Map(partitions.map((p) => [p, committed.get(p) ?? -1]));
}

/** The end offsets (high watermarks) of `partitions` (`topic:partition`). */
export async function endOffsets(
  admin: Admin,
  partitions: readonly string[],
): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of topicsOf(partitions)) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      ends.set(`${topic}:${p.partition}`, Number(p.high));
    }
  }
  return new Map(partitions.map((p) => [p, ends.get(p) ?? 0]));
}
