import type { ArmId } from './evidence-key.js';

/** The fields of an arm that its buckets' keys are made of (`bucketKey`), and a bucket's start. */
type BucketPlace = Omit<ArmId, 'model'> & { readonly start: number };

interface Remembered<T> extends BucketPlace {
  readonly key: string;
  readonly bucket: T;
}

/**
 * The last few buckets a folder looked up, by arm and bucket start. Consecutive inputs fall in a
 * handful of buckets (one per arm and bucket width), and finding one here spares building its key
 * — JSON of the arm — and hashing that new string, ~2 % of the evaluator's CPU per input in its
 * profile. Entries are replaced oldest first.
 */
export class RecentBuckets<T> {
  private readonly entries: Array<Remembered<T>> = [];
  private next = 0;

  constructor(private readonly capacity = 8) {}

  find(place: BucketPlace): Remembered<T> | undefined {
    for (const e of this.entries) {
      if (
        e.start === place.start &&
        e.variant === place.variant &&
        e.rolloutId === place.rolloutId &&
        e.role === place.role &&
        e.served === place.served
      ) {
        return e;
      }
    }
    return undefined;
  }

  remember(entry: Remembered<T>): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  clear(): void {
    this.entries.length = 0;
    this.next = 0;
  }
}
