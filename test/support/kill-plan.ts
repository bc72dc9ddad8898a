import { createRng } from '@kanary/stats';
import { ALL_SERVICES, type Service } from './service-pipeline.js';

/** One SIGKILL: which service, once this many evaluations are committed. */
export interface PlannedKill {
  readonly service: Service;
  readonly afterEvaluations: number;
}

/**
 * `kills` kills (at least one per service, the rest drawn at random), in a seeded random order,
 * at seeded random points between 5 % and 90 % of the run's `evaluations`, increasing. The same
 * seed always gives the same plan, so a failing run can be replayed.
 */
export function killPlan(seed: number, evaluations: number, kills: number): PlannedKill[] {
  if (kills < ALL_SERVICES.length) throw new RangeError('every service is killed at least once');
  const rng = createRng(seed);
  const services = [...ALL_SERVICES];
  while (services.length < kills) services.push(ALL_SERVICES[rng.int(ALL_SERVICES.length)]!);
  // Fisher–Yates shuffle.
  for (let i = services.length - 1; i > 0; i -= 1) {
    const j = rng.int(i + 1);
    [services[i], services[j]] = [services[j]!, services[i]!];
  }
  const points = services
    .map(() => Math.floor((0.05 + 0.85 * rng.next()) * evaluations))
    .sort((a, b) => a - b);
  return services.map((service, i) => ({ service, afterEvaluations: points[i]! }));
}
