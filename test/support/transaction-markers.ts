import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a record batch's header says about transactions (Kafka's record batch format, magic 2). */
export interface BatchHeader {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly transactional: boolean;
  /** A transaction marker (COMMIT or ABORT): it ends the producer's transaction on the partition. */
  readonly control: boolean;
}

/**
 * A transaction the broker never ended on a partition: no COMMIT or ABORT marker follows its
 * records, though its producer went on to a later epoch there (whose marker then ends both, so
 * that what the producer wrote again counts twice) or it has been open past the transaction
 * timeout. A client cannot write markers, so this is the broker's doing.
 */
export interface OrphanedTransaction {
  readonly partition: string;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** The epoch whose records followed it without a marker in between; null if none did. */
  readonly followedByEpoch: number | null;
}

// Offsets in a record batch header (Kafka protocol guide, "Record Batch"): baseOffset int64,
// batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32, attributes int16,
// lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64, producerId int64,
// producerEpoch int16, baseSequence int32, recordCount int32.
const BATCH_LENGTH_AT = 8;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const HEADER_BYTES = 61;
const TRANSACTIONAL = 1 << 4;
const CONTROL = 1 << 5;

/**
 * The batch headers of one log segment file, in order. Hand-written because no npm package reads
 * Kafka's on-disk segments; only the fixed-size header is read, never the records. Stops at a
 * torn tail (a batch cut short, as a crash can leave before the broker's recovery).
 */
export function segmentBatches(segment: Buffer): BatchHeader[] {
  const batches: BatchHeader[] = [];
  for (let at = 0; at + HEADER_BYTES <= segment.length;) {
    const size = 12 + segment.readInt32BE(at + BATCH_LENGTH_AT);
    if (size < HEADER_BYTES || at + size > segment.length) break;
    if (segment.readInt8(at + MAGIC_AT) !== 2) throw new Error(`not a magic 2 batch at byte ${at}`);
    const attributes = segment.readInt16BE(at + ATTRIBUTES_AT);
    const baseOffset = segment.readBigInt64BE(at);
    batches.push({
      baseOffset,
      lastOffset: baseOffset + BigInt(segment.readInt32BE(at + LAST_OFFSET_DELTA_AT)),
      maxTimestamp: Number(segment.readBigInt64BE(at + MAX_TIMESTAMP_AT)),
      producerId: segment.readBigInt64BE(at + PRODUCER_ID_AT),
      producerEpoch: segment.readInt16BE(at + PRODUCER_EPOCH_AT),
      transactional: (attributes & TRANSACTIONAL) !== 0,
      control: (attributes & CONTROL) !== 0,
    });
    at += size;
  }
  return batches;
}

/**
 * The transactions a partition's log leaves unended (see {@link OrphanedTransaction}), from its
 * batches in log order; `openSince` is the time before which a transaction still open at the end
 * counts as never ended (now minus the producers' transaction timeout).
 */
export function orphanedTransactions(
  partition: string,
  batches: readonly BatchHeader[],
  openSince: number,
): OrphanedTransaction[] {
  interface Open {
    epoch: number;
    first: bigint;
    last: bigint;
    lastWritten: number;
  }
  const open = new Map<bigint, Open>();
  const orphans: OrphanedTransaction[] = [];
  const orphan = (producerId: bigint, o: Open, followedByEpoch: number | null) =>
    orphans.push({
      partition,
      producerId: producerId.toString(),
      producerEpoch: o.epoch,
      firstOffset: o.first.toString(),
      lastOffset: o.last.toString(),
      followedByEpoch,
    });
  for (const b of batches) {
    if (!b.transactional) continue;
    if (b.control) {
      open.delete(b.producerId);
      continue;
    }
    const o = open.get(b.producerId);
    if (o !== undefined && o.epoch === b.producerEpoch) {
      o.last = b.lastOffset;
      o.lastWritten = b.maxTimestamp;
      continue;
    }
    if (o !== undefined) orphan(b.producerId, o, b.producerEpoch);
    open.set(b.producerId, {
      epoch: b.producerEpoch,
      first: b.baseOffset,
      last: b.lastOffset,
      lastWritten: b.maxTimestamp,
    });
  }
  for (const [producerId, o] of open) if (o.lastWritten < openSince) orphan(producerId, o, null);
  return orphans;
}

/**
 * The orphaned transactions of every partition in a broker's data directory (`<topic>-<n>`
 * directories of `NNN.log` segments), internal topics included: a lost marker on
 * `__consumer_offsets` hides a commit's offsets as surely as one on a topic hides its records.
 */
export async function brokerOrphanedTransactions(
  dataDir: string,
  openSince: number,
): Promise<OrphanedTransaction[]> {
  const entries = await readdir(dataDir, { withFileTypes: true });
  const partitions = entries
    .filter((e) => e.isDirectory() && /-\d+$/.test(e.name) && e.name !== '__cluster_metadata-0')
    .map((e) => e.name)
    .sort();
  const found: OrphanedTransaction[] = [];
  for (const partition of partitions) {
    const dir = join(dataDir, partition);
    const segments = (await readdir(dir)).filter((f) => /^\d{20}\.log$/.test(f)).sort();
    const batches: BatchHeader[] = [];
    for (const segment of segments)
      batches.push(...segmentBatches(await readFile(join(dir, segment))));
    found.push(...orphanedTransactions(partition, batches, openSince));
  }
  return found;
}
