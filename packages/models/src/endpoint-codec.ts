import type { ClassScores, PredictRequest } from './backend.js';

/** One request's part of a call: where it goes and its row of the body. */
export interface EncodedRow {
  readonly url: string;
  readonly row: unknown;
}

/** A prediction read from a response, or why none could be read. */
export type DecodedPrediction =
  | {
      readonly output: string | null;
      readonly score: number | null;
      readonly scores: ClassScores | null;
    }
  | { readonly error: string };

/**
 * Maps requests to one protocol's HTTP calls and its responses back to predictions; pure. A call
 * carries the rows of one or more requests to the same url (at most `maxRows`).
 */
export interface EndpointCodec {
  /** Most rows one call may carry: 1 for a protocol without batches. */
  readonly maxRows: number;
  /** Calls in flight at once per url, so that a backlog gathers into batches meanwhile. */
  readonly callsInFlight: number;
  /** A request's row, or why it cannot be sent (a missing or mistyped feature). */
  encode(request: PredictRequest): EncodedRow | { readonly error: string };
  /** The body of a call carrying `rows`, in order, of the requests `requestIds`. */
  body(rows: readonly unknown[], requestIds: readonly string[]): unknown;
  /**
   * One prediction per row of the call, in order (a row can fail on its own), or why the
   * response as a whole cannot be read.
   */
  decode(body: unknown, rows: number): readonly DecodedPrediction[] | { readonly error: string };
}
