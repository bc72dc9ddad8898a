import type { Logger, Registry } from '@kanary/observability';
import type { AssignAnswer } from '../core/http-schemas.js';
import type { RecentAssignments } from '../core/recent-assignments.js';
import type { RolloutBook } from '@kanary/rollout';
import type { RecordPublisher } from './record-publisher.js';
import type { RouterMetrics } from './router-metrics.js';

/** What the HTTP API works with; the router wires it, tests may substitute parts. */
export interface HttpApiDeps {
  readonly book: RolloutBook;
  readonly publisher: Pick<RecordPublisher, 'routed' | 'command'>;
  readonly metrics: RouterMetrics;
  /**
   * RequestIds assigned within the retry window, with their answers (pending while the first
   * recording is in flight): a retry gets the first answer and is not recorded again.
   */
  readonly recentAssignments: RecentAssignments<Promise<AssignAnswer>>;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Undefined turns the operator endpoints off (503). */
  readonly operatorToken: string | undefined;
  readonly bodyLimitBytes: number;
  /** Longest `?wait=true` waits for a command's outcome, ms. */
  readonly commandWaitMs: number;
  /** Rollout state restored and consumers running. */
  readonly isReady: () => boolean;
  readonly isLive: () => boolean;
  readonly clock: () => number;
  /** Fresh unique id (request ids, command ids, rollout ids). */
  readonly newId: () => string;
}
