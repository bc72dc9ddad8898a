import { ensureInfra, stopInfra } from './ensure-infra.js';
import { componentNames, type ComponentStatus, infraStatus } from './infra-status.js';
import { isInfraError } from './infra-error.js';

// Progress goes to stderr and the two variables to stdout, so `eval "$(pnpm -s infra:up)"` works.
const progress = (line: string): void => {
  process.stderr.write(`[infra] ${line}\n`);
};

function printEnv(brokers: readonly string[], registryUrl: string): void {
  process.stdout.write(`KAFKA_BROKERS=${brokers.join(',')}\nSCHEMA_REGISTRY_URL=${registryUrl}\n`);
}

function describe(name: string, s: ComponentStatus): string {
  const who =
    s.owner === 'launcher'
      ? `started by this launcher, pid ${s.pid}`
      : s.owner === 'external'
        ? 'not started by this launcher'
        : '';
  const details = [who, s.version && `version ${s.version}`, s.logFile && `log ${s.logFile}`]
    .filter(Boolean)
    .join('; ');
  return `${name.padEnd(16)} ${s.state.padEnd(12)} port ${s.port}${details ? `  (${details})` : ''}`;
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      const started = Date.now();
      const infra = await ensureInfra({ log: progress });
      await infra.detach();
      progress(
        `${infra.startedByUs ? 'started' : 'already running'} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          'stop with `pnpm infra:down`',
      );
      printEnv(infra.brokers, infra.registryUrl);
      return 0;
    }
    case 'down': {
      const stopped = await stopInfra({ log: progress });
      for (const [component, wasStopped] of Object.entries(stopped)) {
        progress(
          `${componentNames[component as keyof typeof stopped]}: ${wasStopped ? 'stopped' : 'was not running (from this launcher)'}`,
        );
      }
      return 0;
    }
    case 'status': {
      const status = await infraStatus();
      process.stderr.write(
        `${describe(componentNames.kafka, status.kafka)}\n${describe(componentNames.registry, status.registry)}\n`,
      );
      const up = status.kafka.state === 'running' && status.registry.state === 'running';
      if (up) printEnv(status.brokers, status.registryUrl);
      return up ? 0 : 3;
    }
    default:
      process.stderr.write('usage: cli.ts up | down | status\n');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[infra] ${isInfraError(error) ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
