/**
 * Which routed requests are new assignment units, for the sample-ratio check. Under sticky
 * assignment the unit is the routing key (all of a user's requests go to one arm), so counting
 * requests would treat one busy user as many independent draws and raise false alarms.
 *
 * A key's requests land on every partition (requests are keyed by requestId), so each key is
 * counted only by the one source partition that owns it — a hash of the key, independent of the
 * assignment hash — and there at most once per rollout state (seq): a key's arm depends only on
 * its assignment bucket and the weight in force, so under a correct split the keys counted while
 * a weight holds fall into the canary with probability equal to the weight, whichever keys are
 * sampled. Requests without a routing key are routed by requestId and are their own unit.
 *
 * Bounded: at most `keyLimit` keys are remembered per rollout; past it, new keys are not counted
 * until the state changes (which keys come first does not depend on their arm, so the counts
 * stay an unbiased sample of the split). Every key counted is handed out once by `drain` (the
 * evaluator writes it to its changelog in the transaction of the evidence that counted it) and
 * taken back by `restore`, so a restarted evaluator counts exactly what an uninterrupted one does.
 */
import murmurhash from 'murmurhash';
import type { RolloutTerms } from './rollout-terms.js';

/** A fixed seed: ownership must not depend on the rollout (assignment hashes are seeded by it). */
const OWNER_SEED = 0x6b616e61;
const utf8 = new TextEncoder();

/** The source partition that counts a routing key's units. */
export function ownerPartition(routingKey: string, partitions: number): number {
  return murmurhash.v3(utf8.encode(routingKey), OWNER_SEED) % partitions;
}

/** A routing key counted as a unit of a rollout under the state seq `epoch`. */
export interface CountedUnit {
  readonly rolloutId: string;
  readonly routingKey: string;
  readonly epoch: number;
}

export class AssignmentUnits {
  private readonly seen = new Map<string, { epoch: number; keys: Set<string> }>();
  private counted: CountedUnit[] = [];

  constructor(
    private readonly partition: number,
    private readonly partitions: number,
    private readonly keyLimit = 20_000,
  ) {}

  /** True when a routed request of this rollout is a unit not yet counted. */
  isNew(terms: RolloutTerms, routingKey: string | null): boolean {
    if (routingKey === null || routingKey === '') return true;
    if (ownerPartition(routingKey, this.partitions) !== this.partition) return false;
    const seen = this.keysOf(terms.rolloutId, terms.epoch);
    if (seen === undefined || seen.has(routingKey) || seen.size >= this.keyLimit) return false;
    seen.add(routingKey);
    this.counted.push({ rolloutId: terms.rolloutId, routingKey, epoch: terms.epoch });
    return true;
  }

  /** The keys counted since the last call. */
  drain(): CountedUnit[] {
    const counted = this.counted;
    this.counted = [];
    return counted;
  }

  /** Takes back a key counted before a restart (in any order; older epochs are ignored). */
  restore(unit: CountedUnit): void {
    this.keysOf(unit.rolloutId, unit.epoch)?.add(unit.routingKey);
  }

  /**
   * The keys counted under `epoch`, which replaces an older epoch's; undefined for an epoch
   * older than the one known.
   */
  private keysOf(rolloutId: string, epoch: number): Set<string> | undefined {
    let seen = this.seen.get(rolloutId);
    if (seen !== undefined && seen.epoch > epoch) return undefined;
    if (seen === undefined || seen.epoch < epoch) {
      seen = { epoch, keys: new Set() };
      this.seen.set(rolloutId, seen);
    }
    return seen.keys;
  }

  /** Forgets a finished rollout's keys. */
  forget(rolloutId: string): void {
    this.seen.delete(rolloutId);
  }
}
