/**
 * Keys of the compacted evidence topic. One source partition owns each key (the partition is
 * part of it), so instances never overwrite each other and a restarted one rewrites its own keys.
 * JSON arrays: unambiguous whatever characters ids contain.
 */
import type { Role } from '@kanary/contracts';

/** The identity of one arm of one rollout: which requests it counts. */
export interface ArmId {
  readonly rolloutId: string;
  readonly model: string;
  readonly variant: string;
  readonly role: Role;
  /** False for shadow copies. */
  readonly served: boolean;
}

export function armKey(arm: ArmId): string {
  return JSON.stringify([arm.rolloutId, arm.variant, arm.role, arm.served]);
}

export function bucketKey(arm: ArmId, bucketStart: number, sourcePartition: number): string {
  return JSON.stringify([
    arm.rolloutId,
    arm.variant,
    arm.role,
    arm.served,
    bucketStart,
    sourcePartition,
  ]);
}

/** The key of a source partition's watermark-only record. */
export function watermarkKey(sourcePartition: number): string {
  return JSON.stringify(['', sourcePartition]);
}
