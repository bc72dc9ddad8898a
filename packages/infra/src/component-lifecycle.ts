import { rm } from 'node:fs/promises';
import type { InfraConfig } from './infra-config.js';
import { InfraError, InfraErrorCode } from './infra-error.js';
import { withFileLock } from './file-lock.js';
import { tailLogs } from './log-tail.js';
import {
  isProcessAlive,
  ownedProcess,
  spawnDetached,
  terminate,
  writePidRecord,
} from './managed-process.js';
import { isPortOpen } from './port-probe.js';
import type { ReadinessWait } from './poll-until-ready.js';

/** How one service (broker or registry) is recognised, started and checked. */
export interface ComponentSpec {
  /** Human name used in messages, e.g. "Kafka 4.3.1". */
  readonly title: string;
  readonly component: string;
  readonly version: string;
  readonly dir: string;
  readonly pidFile: string;
  /** Where the process's stdout and stderr go. */
  readonly stdoutFile: string;
  /** Log files worth showing when the start fails; the first is the one named to users. */
  readonly logFiles: readonly string[];
  /** The port clients use, and the variable that configures it. */
  readonly port: readonly [variable: string, port: number];
  /** Further ports the process binds, which must be free before it starts. */
  readonly otherPorts: readonly (readonly [variable: string, port: number])[];
  /** What a healthy listener on `port` is, for the port-conflict message. */
  readonly expected: string;
  /** One short attempt to use a service on `port`; undefined unless it is what we expect. */
  readonly probe: (timeoutMs: number) => Promise<unknown>;
  /** Waits until the service is fully usable; throws if not within `timeoutMs`. */
  readonly waitReady: (options: ReadinessWait) => Promise<unknown>;
  /** Everything that must exist before the process can be spawned (downloads, config files). */
  readonly prepare: () => Promise<{ command: string; args: readonly string[]; appendLog: boolean }>;
}

export interface ComponentOutcome {
  /** This call started the process (and its `stop()` may stop it). */
  readonly startedByUs: boolean;
  /** The service is not ours: found listening on the port with no pid file of ours. */
  readonly external: boolean;
  readonly pid: number | undefined;
}

const portInUse = (spec: ComponentSpec, variable: string, port: number, what: string): InfraError =>
  new InfraError(
    InfraErrorCode.PortInUse,
    `Port ${port} (${variable}) is already in use by ${what}, so ${spec.title} cannot start there. ` +
      `Stop that process or choose another port with ${variable}=<port>.`,
  );

const readiness = (
  spec: ComponentSpec,
  config: InfraConfig,
  isAlive: () => boolean,
): ReadinessWait => ({
  timeoutMs: config.startTimeoutMs,
  isAlive,
  describe: spec.title,
});

/**
 * Reuses the service if this launcher already runs it or a compatible one listens on its port,
 * otherwise starts it; serialised per state dir so concurrent callers start it once.
 */
export async function ensureComponent(
  spec: ComponentSpec,
  config: InfraConfig,
): Promise<ComponentOutcome> {
  return withFileLock(`${spec.dir}.lock`, () => ensureUnlocked(spec, config), {
    timeoutMs: config.downloadTimeoutMs + config.startTimeoutMs,
    onWait: (pid) => config.log(`waiting for launcher pid ${pid}, which is starting ${spec.title}`),
  });
}

async function ensureUnlocked(spec: ComponentSpec, config: InfraConfig): Promise<ComponentOutcome> {
  const [variable, port] = spec.port;
  const owned = await ownedProcess(spec.pidFile);
  if (owned) {
    if (!owned.ports.includes(port)) {
      throw portInUse(
        spec,
        variable,
        port,
        `nothing, but ${spec.title} from this state dir already runs on ports ${owned.ports.join(',')}; run \`pnpm infra:down\` first`,
      );
    }
    await spec.waitReady(readiness(spec, config, () => isProcessAlive(owned.pid)));
    return { startedByUs: false, external: false, pid: owned.pid };
  }
  if (await isPortOpen(config.host, port)) {
    if ((await spec.probe(5_000)) !== undefined) {
      await spec.waitReady(readiness(spec, config, () => true));
      return { startedByUs: false, external: true, pid: undefined };
    }
    throw portInUse(spec, variable, port, `a process that does not answer as ${spec.expected}`);
  }
  for (const [otherVariable, otherPort] of spec.otherPorts) {
    if (await isPortOpen(config.host, otherPort))
      throw portInUse(spec, otherVariable, otherPort, 'another process');
  }
  const pid = await launch(spec, config);
  return { startedByUs: true, external: false, pid };
}

async function launch(spec: ComponentSpec, config: InfraConfig): Promise<number> {
  const { command, args, appendLog } = await spec.prepare();
  config.log(`starting ${spec.title} (log: ${spec.logFiles[0] ?? spec.stdoutFile})`);
  const started = Date.now();
  const child = await spawnDetached({
    command,
    args,
    cwd: spec.dir,
    logFile: spec.stdoutFile,
    appendLog,
  }).catch((error: unknown) => {
    throw new InfraError(
      InfraErrorCode.StartFailed,
      `Could not run ${command}: ${(error as Error).message}`,
      { cause: error },
    );
  });
  await writePidRecord(spec.pidFile, {
    pid: child.pid,
    component: spec.component,
    version: spec.version,
    ports: [spec.port[1], ...spec.otherPorts.map(([, p]) => p)],
    marker: markerArg(spec.dir),
    logFile: spec.logFiles[0] ?? spec.stdoutFile,
    startedAt: new Date().toISOString(),
  });
  try {
    await spec.waitReady(
      readiness(spec, config, () => child.exited() === null && isProcessAlive(child.pid)),
    );
  } catch (error) {
    await terminate(child.pid, { timeoutMs: 5_000 });
    await rm(spec.pidFile, { force: true });
    const logs = await tailLogs(spec.logFiles);
    throw new InfraError(
      (error as InfraError).code ?? InfraErrorCode.StartFailed,
      `${(error as Error).message}\n${logs}`,
      { cause: error },
    );
  }
  config.log(
    `${spec.title} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid})`,
  );
  return child.pid;
}

/** A JVM system property naming the state dir; proves a pid is still the process we started. */
export const markerArg = (dir: string): string => `-Dkanary.infra=${dir}`;

/** Stops the process recorded in `pidFile`, if it is ours; true when something was stopped. */
export async function stopComponent(
  pidFile: string,
  options: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<boolean> {
  const owned = await ownedProcess(pidFile);
  if (!owned) return false;
  await terminate(owned.pid, options);
  await rm(pidFile, { force: true });
  return true;
}
