import type { PolicyInput } from '@kanary/rollout';

/**
 * One rollout the demo runs: a model, its stable and canary versions (or several candidates),
 * what should happen.
 */
export interface DemoScenario {
  readonly name: string;
  readonly description: string;
  readonly model: string;
  readonly stable: string;
  /** The canary; null for an A/B/n scenario (`candidates`). */
  readonly canary: string | null;
  /** An A/B/n scenario: the candidates judged against the stable, in START order. */
  readonly candidates?: readonly string[];
  /** The terminal phase a correct decision service reaches. */
  readonly expected: 'PROMOTED' | 'ROLLED_BACK';
  /** A/B/n: the candidates a correct decision service rolls back. @default none */
  readonly expectedRolledBack?: readonly string[];
  /** A/B/n: the candidates of which a correct decision service promotes one. @default any */
  readonly expectedPromoted?: readonly string[];
  /** Policy fields the scenario sets over the demo policy (top-level fields replace its own). */
  readonly policy?: Partial<PolicyInput>;
}

/**
 * The three scenarios, on the Seattle weather data with the trained models of @kanary/models
 * (held-out accuracy: tree-v3 0.865, logreg-v1 0.806, tree-v4 0.799, stump-v0 0.653). Each has
 * its own logical model, so all run at once through the same services.
 */
export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  {
    name: 'Better canary',
    description:
      'A depth-limited decision tree replaces logistic regression: about 6 points more accurate on held-out days. It should be advanced step by step and promoted.',
    model: 'weather-better',
    stable: 'weather-logreg-v1',
    canary: 'weather-tree-v3',
    expected: 'PROMOTED',
  },
  {
    name: 'Worse canary',
    description:
      'A one-split decision stump replaces logistic regression: about 15 points less accurate. It should be rolled back at the first step, its weight back to 0.',
    model: 'weather-worse',
    stable: 'weather-logreg-v1',
    canary: 'weather-stump-v0',
    expected: 'ROLLED_BACK',
  },
  {
    name: 'Canary worse in winter',
    description:
      "A depth-3 decision tree on precipitation and the month, trained on labels joined with a bug (winter days carry another year's weather), replaces logistic regression. On held-out days it is about as accurate overall (79.9 % vs 80.6 %) and better in spring, summer and autumn (89.3 / 86.2 / 83.3 % vs 87.4 / 79.8 / 79.2 %), but 16 points worse in winter (60.4 % vs 76.4 %). The policy guards every season (segments.feature = season): it should be rolled back at the first step, naming winter.",
    model: 'weather-segments',
    stable: 'weather-logreg-v1',
    canary: 'weather-tree-v4',
    expected: 'ROLLED_BACK',
    // The four seasons are the segments, so the error level is split over four, not the default
    // sixteen. Accuracy alone is judged, overall and per season: the canary's winter class
    // probabilities are poor too (held-out log-loss 0.70 vs 0.59, winter 1.36 vs 0.60), so the
    // automatic log-loss guardrail would roll it back on the whole arm, and the decision would
    // not show what the segment guard sees.
    policy: { segments: { feature: 'season', maxSegments: 4 }, metrics: { guardrails: [] } },
  },
];

/** The variants a scenario compares with its stable: its canary, or its candidates. */
export const challengersOf = (s: Pick<DemoScenario, 'canary' | 'candidates'>): string[] =>
  s.candidates !== undefined && s.candidates.length > 0
    ? [...s.candidates]
    : s.canary === null
      ? []
      : [s.canary];

/**
 * `kanary demo --candidates`: the weather models as three candidates at once against the
 * logistic regression (held-out accuracy 0.806): the stump (0.653) should be rolled back alone
 * at the first step while both trees (tree-v2 0.861, tree-v3 0.865) advance; once both are
 * ready, the one with the larger proven gain over the stable is promoted. Each candidate serves
 * at most a quarter of the traffic (its slice), and is judged at α / 3.
 */
export const DEMO_CANDIDATES_SCENARIO: DemoScenario = {
  name: 'Three candidates',
  description:
    'Three candidates against logistic regression at once: a one-split stump (about 15 points less accurate) and two decision trees (depth 3 and 4, about 5.5 and 6 points more accurate). The stump should be rolled back alone at the first step while the trees continue; once both trees have passed their steps, the one with the larger proven gain is promoted and the other ends.',
  model: 'weather-candidates',
  stable: 'weather-logreg-v1',
  canary: null,
  candidates: ['weather-stump-v0', 'weather-tree-v2', 'weather-tree-v3'],
  expected: 'PROMOTED',
  expectedRolledBack: ['weather-stump-v0'],
  expectedPromoted: ['weather-tree-v2', 'weather-tree-v3'],
};

/**
 * The variants the demo's model worker serves: the trained artifacts, with a simulated
 * log-normal latency (the trees answer a little faster than the regression).
 */
export const DEMO_VARIANTS = {
  'weather-logreg-v1': {
    kind: 'model',
    name: 'weather-logreg-v1',
    latency: { medianMs: 12, sigma: 0.35 },
  },
  'weather-tree-v2': {
    kind: 'model',
    name: 'weather-tree-v2',
    latency: { medianMs: 10, sigma: 0.35 },
  },
  'weather-tree-v3': {
    kind: 'model',
    name: 'weather-tree-v3',
    latency: { medianMs: 10, sigma: 0.35 },
  },
  'weather-tree-v4': {
    kind: 'model',
    name: 'weather-tree-v4',
    latency: { medianMs: 10, sigma: 0.35 },
  },
  'weather-stump-v0': {
    kind: 'model',
    name: 'weather-stump-v0',
    latency: { medianMs: 8, sigma: 0.35 },
  },
} as const;

/**
 * The rollout policy of the demo: the defaults, with time scaled from hours to seconds so a
 * rollout fits in a few minutes — labels mature after `labelMaturityMs` (the label delay's
 * tail, instead of an hour), steps time out after three minutes. Statistics (α, margins,
 * guardrails, SRM and coverage checks) are the defaults.
 */
export function demoPolicy(labelDelayMeanMs: number): PolicyInput {
  return {
    steps: [0.1, 0.3, 0.6],
    minSamplesPerStep: 150,
    // An exponential delay exceeds 5 means in 0.7 % of labels; those are left out as late. At
    // least 15 s: the decision service counts a time bucket once it is this old by its own
    // clock, so its inputs may lag by up to this much (a busy laptop) before routed counts of
    // mature buckets are short and the label-coverage check raises a false alarm.
    labelMaturityMs: Math.max(15_000, Math.round(5 * labelDelayMeanMs)),
    maxStepDurationMs: 180_000,
    onStepTimeout: 'pause',
    latency: { referenceSamples: 300 },
  };
}
