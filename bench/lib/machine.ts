import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly date: string;
  readonly commit: string;
  /** Tracked files had uncommitted changes when the run started (others work in the same tree). */
  readonly dirty: boolean;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly java: string;
  readonly kafka: string;
  /** 1, 5 and 15-minute load averages when the run started. */
  readonly loadAverage: readonly number[];
}

/** stdout and stderr of a command (`java -version` and friends write to stderr). */
const output = (command: string, args: string[]): string => {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
};

/** What the numbers of a run depend on, recorded next to them. */
export function describeMachine(kafkaVersion: string, java: string): Machine {
  const settings = output(java, ['-XshowSettings:properties', '-version']);
  return {
    date: new Date().toISOString(),
    commit: output('git', ['rev-parse', '--short', 'HEAD']),
    dirty: output('git', ['status', '--porcelain', '--untracked-files=no']) !== '',
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    java: /java\.runtime\.version = (\S+)/.exec(settings)?.[1] ?? 'unknown',
    kafka: kafkaVersion,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
