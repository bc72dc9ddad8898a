// Input check shared by the proportion tests.
import { type ProportionCounts } from './types.js';
import { assertAtMost, assertCount } from './validate.js';

export function validateProportion(name: string, counts: ProportionCounts): void {
  const { successes, total } = counts;
  // Fast path first: these run after every batch in simulations, so build messages only on failure.
  if (
    Number.isSafeInteger(successes) &&
    Number.isSafeInteger(total) &&
    successes >= 0 &&
    successes <= total
  )
    return;
  assertCount(`${name}.successes`, successes);
  assertCount(`${name}.total`, total);
  assertAtMost(`${name}.successes`, successes, `${name}.total`, total);
}
