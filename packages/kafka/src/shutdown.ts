import type { Logger } from '@kanary/observability';

/**
 * Runs `stop` once on SIGTERM or SIGINT (stop fetching, finish the in-flight batch, commit,
 * leave the group), then exits. A second signal exits at once.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  logger: Logger,
  exit: (code: number) => void = process.exit,
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ event: 'service.forced_exit', signal }, 'second signal, exiting now');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ event: 'service.stopping', signal }, 'stopping');
    stop().then(
      () => {
        logger.info({ event: 'service.stopped' }, 'stopped cleanly');
        exit(0);
      },
      (e: unknown) => {
        logger.error({ event: 'service.stop_failed', err: e }, 'stop failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
