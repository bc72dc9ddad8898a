import type { Kafka } from 'kafkajs';
import { measureRate } from './measure-rate.js';
import { metric } from './metric.js';
import { oncePerKey } from './once.js';
import { PassthroughMode, startPassthrough } from './passthrough.js';
import type { Metric } from './results.js';
import type { BenchTopics } from './stack.js';

/** Something that consumes the backlog: a passthrough baseline or a service. */
export interface Contender {
  readonly key: string;
  readonly label: string;
  /**
   * Starts reading the backlog from its beginning in a consumer group of its own (named by `run`).
   * `cpuMicros` reads the CPU time of a subject that runs in a process of its own (else this
   * process's is measured).
   */
  start(run: string): Promise<{
    done(): number | Promise<number>;
    cpuMicros?(): number;
    stop(): Promise<void>;
  }>;
}

/**
 * Runs every contender over the same backlog `repetitions` times, interleaved (baseline, subject,
 * baseline, subject…) so a change in the machine's load hits all of them alike. Each run reads
 * the whole backlog in a fresh consumer group; its rate is measured by {@link measureRate}.
 * Returns, per contender, its throughput (records/s) and its CPU cost (µs per record).
 */
export async function compareThroughput(options: {
  readonly contenders: readonly Contender[];
  readonly total: number;
  readonly repetitions: number;
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  log(line: string): void;
}): Promise<Map<string, { rate: Metric; cpu: Metric }>> {
  const runs = new Map<string, number[]>(options.contenders.map((c) => [c.key, []]));
  const cpu = new Map<string, number[]>(options.contenders.map((c) => [c.key, []]));
  for (let rep = 1; rep <= options.repetitions; rep++) {
    for (const contender of options.contenders) {
      const running = await contender.start(`${contender.key}-${rep}`);
      try {
        const rate = await measureRate(
          running.done,
          options.total,
          options.timeoutMs,
          running.cpuMicros?.bind(running),
        );
        runs.get(contender.key)!.push(rate.perSecond);
        cpu.get(contender.key)!.push(rate.cpuMicrosPerRecord);
        options.log(
          `  ${contender.label}, run ${rep}: ${Math.round(rate.perSecond)} records/s (${rate.records} in ${rate.seconds.toFixed(2)} s), ` +
            `${rate.cpuMicrosPerRecord.toFixed(1)} µs CPU per record`,
        );
      } finally {
        await running.stop();
      }
    }
  }
  return new Map(
    options.contenders.map((c) => [
      c.key,
      {
        rate: metric(`${options.keyPrefix}.${c.key}`, c.label, 'records/s', runs.get(c.key)!),
        cpu: metric(
          `${options.keyPrefix}.${c.key}.cpu`,
          `${c.label}: CPU per record`,
          'µs',
          cpu.get(c.key)!,
        ),
      },
    ]),
  );
}

/**
 * The two passthrough baselines over `inputs` (topic names of `topics`), each writing to an
 * output topic of its own, created on first use.
 */
export function passthroughContenders(
  kafka: Kafka,
  topics: BenchTopics,
  inputs: readonly string[],
  maxBytesPerPartition: number,
): Contender[] {
  const output = oncePerKey((mode: PassthroughMode) => topics.extra(`passthrough.${mode}`));
  const contender = (mode: PassthroughMode, key: string, label: string): Contender => ({
    key,
    label,
    async start(run) {
      const passthrough = await startPassthrough({
        kafka,
        inputs,
        output: await output(mode),
        mode,
        groupId: `${topics.prefix}.pt.${run}`,
        maxBytesPerPartition,
      });
      return { done: () => passthrough.processed(), stop: () => passthrough.stop() };
    },
  });
  return [
    contender(PassthroughMode.AT_LEAST_ONCE, 'passthrough', 'kafkajs passthrough (at-least-once)'),
    contender(
      PassthroughMode.EXACTLY_ONCE,
      'passthrough-eos',
      'kafkajs passthrough (exactly-once)',
    ),
  ];
}
