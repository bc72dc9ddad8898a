/**
 * One start of the decision service as a process — `services/decision/src/main.ts` through the
 * repository's TypeScript loader, as `kanary demo` runs it — timed from the spawn until its
 * `decision.ready` log line and until its first decision report for a rollout reaches a
 * read_committed consumer of `rollout.decisions`. Then it is stopped (SIGTERM).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceProcess } from '@kanary/cli/service-process';
import { freePort } from '@kanary/testkit';
import type { RolloutWatch, SeenDecision } from './rollout-watch.js';

export interface DecisionStart {
  /** Spawn → the `decision.ready` line (the line's own timestamp), ms. */
  readonly readyMs: number;
  /** What the ready line reports for reading the inputs (publisher connected, both topics read), ms. */
  readonly restoreMs: number;
  /** Evidence records read before ready (the ready line's count). */
  readonly evidenceRecords: number;
  /** Spawn → the first report for the rollout received by the watch, ms. */
  readonly firstDecisionMs: number;
  readonly action: string;
  readonly reason: string;
}

interface ReadyLine {
  readonly time: string;
  readonly ms: number;
  readonly evidence: number;
}

/** The service's `decision.ready` line (pino writes it before the first tick, 5 s earlier). */
async function readyLine(service: ServiceProcess): Promise<ReadyLine> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const text = await readFile(service.logFile, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.includes('"decision.ready"')) continue;
      return JSON.parse(line) as ReadyLine;
    }
    await sleep(100);
  }
  throw service.failure('logged no decision.ready line');
}

/**
 * Starts the service with `env` (the topics' environment; log level info for the ready line),
 * waits for its first report on `rolloutId` written after the spawn, and stops it.
 */
export async function timeDecisionStart(
  env: Readonly<Record<string, string>>,
  logFile: string,
  rolloutId: string,
  watch: RolloutWatch,
  timeoutMs: number,
): Promise<DecisionStart> {
  const port = await freePort();
  const spawnedAt = Date.now();
  const service = new ServiceProcess(
    'decision',
    { ...env, LOG_LEVEL: 'info', DECISION_OPS_PORT: String(port), DECISION_OPS_HOST: '127.0.0.1' },
    `http://127.0.0.1:${port}/readyz`,
    logFile,
  );
  try {
    const exited = service.exitedWith().then((): never => {
      throw service.failure('exited before its first decision');
    });
    const decided = watch.decision(
      (seen) => seen.report.rolloutId === rolloutId && seen.writtenAt >= spawnedAt,
      timeoutMs,
    );
    // Whichever loses the race settles later: observed, so it is never an unhandled rejection.
    exited.catch(() => undefined);
    decided.catch(() => undefined);
    const first: SeenDecision = await Promise.race([decided, exited]);
    const ready = await readyLine(service);
    return {
      readyMs: Date.parse(ready.time) - spawnedAt,
      restoreMs: ready.ms,
      evidenceRecords: ready.evidence,
      firstDecisionMs: first.seenAt - spawnedAt,
      action: first.report.action,
      reason: first.report.reason,
    };
  } finally {
    await service.stop();
  }
}
