import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import type { JavaClasspath } from './maven-classpath.js';

/** Main class of bench/kafka-streams-anchor. */
const MAIN_CLASS = 'dev.kanary.bench.StreamsAnchor';

/**
 * What the anchor does with its inputs: copy them (`passthrough`), or join the first with the
 * second on the record key within a window (`join`; see StreamsAnchor.java).
 */
export type StreamsTopology =
  { readonly kind: 'passthrough' } | { readonly kind: 'join'; readonly windowMs: number };

export interface StreamsAnchorOptions {
  /** The built anchor (`resolveMavenClasspath('kafka-streams-anchor', …)`). */
  readonly program: JavaClasspath;
  readonly brokers: string;
  /** Streams' application.id: its consumer group and the prefix of its transactional ids. */
  readonly applicationId: string;
  /** The input topics; a join's are its left (predictions) and right (labels) side. */
  readonly inputs: readonly string[];
  readonly output: string;
  readonly topology: StreamsTopology;
  /** commit.interval.ms: with exactly_once_v2, how often a transaction is committed (Streams' default 100). */
  readonly commitIntervalMs: number;
  /** The JVM's standard output and error are appended here. */
  readonly logFile: string;
  /** How long the JVM may take to start, join its group and reach RUNNING. */
  readonly startTimeoutMs: number;
}

/** A running Kafka Streams anchor (bench/kafka-streams-anchor) in a JVM of its own. */
export interface StreamsAnchorProcess {
  /**
   * Input records processed, their outputs committed: the sum of the group's committed input
   * offsets (committed in the transaction with the outputs).
   */
  committed(): Promise<number>;
  /** CPU time (user + system) the JVM has used, µs, from /proc (Linux); NaN where there is none. */
  cpuMicros(): number;
  /** SIGTERM (Streams closes the instance, committing what it has), SIGKILL after 30 s. */
  stop(): Promise<void>;
}

/**
 * Starts the anchor and resolves once the instance has reached RUNNING (the line it prints when
 * its group has assigned it the input's partitions); rejects, with the log's tail, if the JVM
 * exits first or does not get there within `startTimeoutMs`.
 */
export async function startStreamsAnchor(
  options: StreamsAnchorOptions,
  admin: Admin,
): Promise<StreamsAnchorProcess> {
  const { topology } = options;
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      options.program.java,
      [
        '-Xmx512m',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        options.program.classpath,
        MAIN_CLASS,
        '--bootstrap-server',
        options.brokers,
        '--application-id',
        options.applicationId,
        '--input',
        options.inputs.join(','),
        '--output',
        options.output,
        '--commit-interval-ms',
        String(options.commitIntervalMs),
        '--topology',
        topology.kind,
        ...(topology.kind === 'join' ? ['--join-window-ms', String(topology.windowMs)] : []),
      ],
      { stdio: ['ignore', 'pipe', log] },
    );
  } catch (e) {
    closeSync(log);
    throw e;
  }
  // 'close': the process has exited and its standard output is drained (written to the log).
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      closeSync(log);
      resolve(code);
    });
  });
  const failure = (what: string) => {
    const tail = readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    return new Error(
      `Kafka Streams ${topology.kind} ${options.applicationId} ${what}; log:\n${tail}`,
    );
  };

  let running = false;
  let timedOut = false;
  const started = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      writeSync(log, chunk);
      seen = `${seen}${chunk.toString('utf8')}`.slice(-64);
      if (!running && /^RUNNING$/m.test(seen)) {
        running = true;
        resolve();
      }
    });
    void exited.then((code) =>
      reject(
        failure(
          timedOut
            ? `did not reach RUNNING within ${options.startTimeoutMs / 1000} s`
            : `exited with ${code} during start-up`,
        ),
      ),
    );
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.startTimeoutMs);
  try {
    await started;
  } finally {
    clearTimeout(timer);
  }

  return {
    async committed() {
      const offsets = await admin.fetchOffsets({
        groupId: options.applicationId,
        topics: [...options.inputs],
      });
      // -1: nothing committed yet on that partition.
      return offsets
        .flatMap((t) => t.partitions)
        .reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    },
    cpuMicros: () => processCpuMicros(child.pid),
    async stop() {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times (100 on every architecture Node runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of `/proc/<pid>/stat` (fields 14 and 15, counted after the parenthesised name), µs. */
function processCpuMicros(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
