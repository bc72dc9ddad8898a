import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureInfra,
  kafkaPaths,
  localLauncherAvailability,
  resolveInfraConfig,
  startKafka,
  stopKafka,
  type InfraHandle,
  type InfraOptions,
} from '@kanary/infra';
import { brokerOrphanedTransactions, type OrphanedTransaction } from './transaction-markers.js';

/** True if a listener can bind `port` on the loopback interface right now. */
const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A free port below the kernel's ephemeral range. While a broker on an ephemeral port is down,
 * clients retrying to connect to it can be handed that very port as their source port and
 * connect to themselves (TCP simultaneous open), and the broker could not start there again.
 */
async function freeStablePort(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const low = Number(range.trim().split(/\s+/)[0]) || 32_768;
  const floor = Math.min(10_000, low - 1_000);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port below the ephemeral range (${low})`);
}

/**
 * A Kafka broker of a test's own, started by the local launcher on free ports with a state
 * directory of its own: it can be stopped, restarted or given other listeners without touching
 * the broker the other tests share.
 */
export class PrivateBroker {
  private constructor(
    private readonly handle: InfraHandle,
    private readonly options: InfraOptions,
    private readonly stateDir: string,
    /** `host:port` of its PLAINTEXT listener. */
    readonly brokers: readonly string[],
  ) {}

  /**
   * Whether this machine can start one (a JDK, and Maven unless Kafka is cached), and what a
   * suite that needs one adds to its title when it cannot, so that it is reported as skipped
   * with the reason (`describe.skipIf(!available)`), never as passed.
   */
  static async availability(): Promise<{ available: boolean; skipped: string }> {
    const launcher = await localLauncherAvailability();
    return {
      available: launcher.available,
      skipped: launcher.available
        ? ''
        : ` (skipped: no broker of its own can start here: ${launcher.reason})`,
    };
  }

  /** Starts one; throws with the launcher's reason when this machine cannot (see {@link availability}). */
  static async start(
    /** Extra listeners get free ports of their own whatever port is given. */
    options: Omit<InfraOptions, 'stateDir' | 'kafkaPort' | 'controllerPort' | 'components'> = {},
  ): Promise<PrivateBroker> {
    const launcher = await localLauncherAvailability();
    if (!launcher.available) throw new Error(`cannot start a private broker: ${launcher.reason}`);
    const stateDir = await mkdtemp(join(tmpdir(), 'kanary-private-broker-'));
    const extraListeners = await Promise.all(
      (options.extraListeners ?? []).map(async (l) => ({ ...l, port: await freeStablePort() })),
    );
    const full: InfraOptions = {
      ...options,
      extraListeners,
      stateDir,
      components: ['kafka'],
      kafkaPort: await freeStablePort(),
      controllerPort: await freeStablePort(),
    };
    const handle = await ensureInfra(full);
    return new PrivateBroker(handle, full, stateDir, handle.brokers);
  }

  /** `127.0.0.1:<port>` of an extra listener (its port is picked at start). */
  listener(name: string): string {
    const listener = this.options.extraListeners?.find((l) => l.name === name);
    if (listener === undefined) throw new Error(`no listener ${name}`);
    return `127.0.0.1:${listener.port}`;
  }

  /** Stops the broker (SIGTERM: a controlled shutdown; SIGKILL: a crash), keeping its data. */
  async stopBroker(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!(await stopKafka({ ...this.options, signal, timeoutMs: 60_000 }))) {
      throw new Error('the private broker was not running');
    }
  }

  /** Starts the broker again on its data (topics, offsets and transactions survive). */
  async startBroker(): Promise<void> {
    const outcome = await startKafka(this.options);
    if (!outcome.startedByUs) throw new Error('the private broker was already running');
  }

  /**
   * The transactions the broker left unended (lost COMMIT or ABORT markers) in every partition it
   * holds; one still open counts only if its last write is older than `openSince`.
   */
  orphanedTransactions(openSince: number): Promise<OrphanedTransaction[]> {
    return brokerOrphanedTransactions(
      kafkaPaths(resolveInfraConfig(this.options)).dataDir,
      openSince,
    );
  }

  /**
   * Copies the broker's logs and data to `dir`, for a post-mortem of a failed test (Kafka's
   * `DumpLogSegments` reads the segments); not the offset and time indexes, 10 MB each per
   * partition as the broker preallocates them, which the broker rebuilds.
   */
  async copyStateTo(dir: string): Promise<void> {
    await cp(this.stateDir, dir, {
      recursive: true,
      filter: (source) => !/\.(index|timeindex)$/.test(source),
    });
  }

  /** Stops the broker and deletes its data. */
  async close(): Promise<void> {
    await this.handle.stop();
    await rm(this.stateDir, { recursive: true, force: true });
  }
}
