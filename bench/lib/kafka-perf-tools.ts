import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveMavenClasspath } from './maven-classpath.js';

const execFileAsync = promisify(execFile);

/**
 * Kafka's own ProducerPerformance and ConsumerPerformance (kafka-producer-perf-test.sh and
 * kafka-consumer-perf-test.sh of the distribution). They live in the `kafka-tools` artifact,
 * which the broker's jars (packages/infra) do not include, so bench/kafka-tools/pom.xml resolves
 * it once with Maven, for the broker's version, into the same cache.
 */
export class KafkaPerfTools {
  private constructor(
    private readonly java: string,
    private readonly classpath: string,
  ) {}

  static async resolve(kafkaVersion: string, log: (line: string) => void): Promise<KafkaPerfTools> {
    const { java, classpath } = await resolveMavenClasspath('kafka-tools', kafkaVersion, log);
    return new KafkaPerfTools(java, classpath);
  }

  private async tool(mainClass: string, args: readonly string[]): Promise<string> {
    const { stdout } = await execFileAsync(
      this.java,
      ['-Xmx512m', '-Dlog4j2.level=WARN', '-cp', this.classpath, mainClass, ...args],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  }

  /**
   * `count` records of `recordSize` bytes as fast as possible, acks=all (the producer's default,
   * idempotent). Returns the tool's summary: records/s and latency percentiles (ms).
   */
  async produce(brokers: string, topic: string, count: number, recordSize: number) {
    const out = await this.tool('org.apache.kafka.tools.ProducerPerformance', [
      '--bootstrap-server',
      brokers,
      '--topic',
      topic,
      '--num-records',
      String(count),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--command-property',
      'acks=all',
    ]);
    // "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, ..."
    const summary = out.trim().split('\n').at(-1) ?? '';
    const match =
      /records sent, ([\d.]+) records\/sec .*?([\d.]+) ms avg latency.*?(\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/.exec(
        summary,
      );
    if (!match) throw new Error(`unexpected ProducerPerformance output:\n${out}`);
    return { perSecond: Number(match[1]), p50: Number(match[3]), p99: Number(match[5]) };
  }

  /** Reads `count` records from the beginning in a new group; records/s of the fetch time (group join left out). */
  async consume(brokers: string, topic: string, count: number, group: string) {
    const out = await this.tool('org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server',
      brokers,
      '--topic',
      topic,
      '--messages',
      String(count),
      '--group',
      group,
      '--timeout',
      '60000',
    ]);
    // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    const lines = out.trim().split('\n');
    const header = lines.findIndex((l) => l.includes('fetch.nMsg.sec'));
    const fields = lines[header + 1]?.split(',').map((f) => f.trim());
    const perSecond = Number(fields?.[9]);
    if (header < 0 || !Number.isFinite(perSecond))
      throw new Error(`unexpected ConsumerPerformance output:\n${out}`);
    return { perSecond };
  }
}
