import { DEFAULT_KAFKA_VERSION } from '@kanary/infra';
import { compareThroughput, passthroughContenders } from '../lib/compare-throughput.js';
import { KafkaPerfTools } from '../lib/kafka-perf-tools.js';
import { against, metric } from '../lib/metric.js';
import { inferenceRequest, requestId } from '../lib/records.js';
import type { Benchmark, BenchmarkResult } from '../lib/results.js';
import type { BenchStack } from '../lib/stack.js';

/** kafkajs' default fetch size per partition, for the passthroughs of this benchmark. */
const KAFKAJS_DEFAULT_FETCH_BYTES = 1_048_576;

/**
 * The broker's limit on this machine (Kafka's own Java perf tools) and the limit of any kafkajs
 * service (a passthrough that copies records without looking at them), on the same records: the
 * producer tool fills the topic with records the size of an encoded InferenceRequest, then the
 * consumer tool and the passthroughs read them.
 */
export const ceilingsBenchmark: Benchmark<BenchStack> = {
  name: 'ceilings',
  title: 'Ceilings: Kafka perf tools and raw kafkajs passthrough',
  async run(stack, context): Promise<BenchmarkResult> {
    const n = context.quick ? 20_000 : 200_000;
    const tools = await KafkaPerfTools.resolve(
      process.env.KANARY_BENCH_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
      context.log,
    );
    const topics = await stack.topics('ceilings');
    try {
      const sample = await stack.codec.encode(
        topics.catalog.requests,
        inferenceRequest(requestId('size', 0), Date.now()),
      );
      const recordSize = sample.length;
      const produce: Array<{ perSecond: number; p50: number; p99: number }> = [];
      const consume: number[] = [];
      let filled: string | undefined;
      for (let rep = 1; rep <= context.repetitions; rep++) {
        const topic = await topics.extra(`perf.${rep}`);
        produce.push(await tools.produce(stack.brokers, topic, n, recordSize));
        consume.push(
          (await tools.consume(stack.brokers, topic, n, `${topics.prefix}.perf-consumer.${rep}`))
            .perSecond,
        );
        filled ??= topic;
        context.log(
          `  run ${rep}: ProducerPerformance ${Math.round(produce.at(-1)!.perSecond)} records/s (p50 ${produce.at(-1)!.p50} ms, p99 ${produce.at(-1)!.p99} ms), ` +
            `ConsumerPerformance ${Math.round(consume.at(-1)!)} records/s`,
        );
      }
      const rates = await compareThroughput({
        contenders: passthroughContenders(
          stack.kafka,
          topics,
          [filled!],
          KAFKAJS_DEFAULT_FETCH_BYTES,
        ),
        total: n,
        repetitions: context.repetitions,
        keyPrefix: 'ceilings',
        timeoutMs: 600_000,
        log: context.log,
      });
      const producer = metric(
        'ceilings.producer-perf',
        'Kafka ProducerPerformance (acks=all)',
        'records/s',
        produce.map((p) => p.perSecond),
      );
      const consumer = metric(
        'ceilings.consumer-perf',
        'Kafka ConsumerPerformance (fetch time)',
        'records/s',
        consume,
      );
      return {
        name: 'ceilings',
        title: this.title,
        setup:
          `${n} records of ${recordSize} B (an encoded InferenceRequest) per run, 4 partitions, Kafka ${process.env.KANARY_BENCH_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION} tools from Maven (JVM, -Xmx512m); ` +
          `the passthroughs copy the records of the first run's topic (fetch ${KAFKAJS_DEFAULT_FETCH_BYTES} B per partition).`,
        metrics: [
          producer,
          metric(
            'ceilings.producer-perf.p50',
            'ProducerPerformance latency p50',
            'ms',
            produce.map((p) => p.p50),
          ),
          metric(
            'ceilings.producer-perf.p99',
            'ProducerPerformance latency p99',
            'ms',
            produce.map((p) => p.p99),
          ),
          consumer,
          against(rates.get('passthrough')!.rate, consumer),
          rates.get('passthrough')!.cpu,
          against(rates.get('passthrough-eos')!.rate, consumer),
          rates.get('passthrough-eos')!.cpu,
        ],
        notes: [],
      };
    } finally {
      await topics.dispose();
    }
  },
};
