/**
 * The scorecard part of the rollout policy: which metric a rollout is judged by (the primary
 * metric), which must not get worse (guardrails), which named outcomes are better when higher,
 * and how segments are guarded. Every field has a default that follows the data (see
 * scorecard.ts): a user who sends richer predictions gets a stricter judge without writing a
 * policy.
 */
import { z } from 'zod';

/** Metrics a scorecard can name; `outcome:<name>` names an outcome of the labels. */
export const MetricName = {
  /** Exact-match accuracy (share of correct answers); higher is better. */
  ACCURACY: 'accuracy',
  /** Mean absolute error of numeric outputs; lower is better. */
  MAE: 'mae',
  /** Root mean squared error of numeric outputs (tested on the mean squared error); lower is better. */
  RMSE: 'rmse',
  /** Mean log-loss of the class probabilities (p clipped at 1e-4); lower is better. */
  LOG_LOSS: 'logLoss',
  /** Mean multi-class Brier score of the class probabilities; lower is better. */
  BRIER: 'brier',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** Prefix of an outcome metric: `outcome:revenue` is the mean of the labels' `revenue` outcome. */
export const OUTCOME_PREFIX = 'outcome:';

/** The scorecard defaults, spelled out once; the schemas below apply them field by field. */
export const DEFAULT_SCORECARD = Object.freeze({
  primary: Object.freeze({
    metric: 'auto',
    test: 'nonInferiority',
    margin: null,
    harmMargin: null,
    relative: null,
  }),
  guardrails: 'auto',
  outcomes: Object.freeze({}),
});
/** Default margin of a listed guardrail: relative, 2 % of the stable's value. */
export const DEFAULT_GUARDRAIL_MARGIN = 0.02;
/** Default non-inferiority margin of a mean-based primary metric: relative, 5 %. */
export const DEFAULT_RELATIVE_MARGIN = 0.05;
export const DEFAULT_SEGMENTS = Object.freeze({
  enabled: true,
  feature: null,
  minSamples: 200,
  maxSegments: 16,
  guardrails: false,
});

const NAMED = Object.values(MetricName) as readonly string[];

const metricName = z
  .string({ invalid_type_error: 'must be a metric name', required_error: 'is required' })
  .refine(
    (name) =>
      NAMED.includes(name) ||
      (name.startsWith(OUTCOME_PREFIX) && name.length > OUTCOME_PREFIX.length),
    { message: `must be one of ${NAMED.join(', ')} or ${OUTCOME_PREFIX}<name>` },
  );

const margin = z
  .number({ invalid_type_error: 'must be a number' })
  .finite()
  .gte(0, 'must be >= 0')
  .lt(1, 'must be < 1');

/** How the primary metric lets a rollout advance. */
export const PrimaryTest = {
  /** ADVANCE / PROMOTE once the canary is proven not worse than the margin. */
  NON_INFERIORITY: 'nonInferiority',
  /** ADVANCE / PROMOTE only once the canary is proven better. */
  SUPERIORITY: 'superiority',
} as const;
export type PrimaryTest = (typeof PrimaryTest)[keyof typeof PrimaryTest];

const primary = z
  .object({
    /**
     * The metric the rollout is judged by; 'auto' follows the data: MAE for numeric outputs,
     * accuracy otherwise. @default 'auto'
     */
    metric: z.union([z.literal('auto'), metricName]).default(DEFAULT_SCORECARD.primary.metric),
    /** @default 'nonInferiority' */
    test: z
      .enum([PrimaryTest.NON_INFERIORITY, PrimaryTest.SUPERIORITY], {
        errorMap: () => ({ message: "must be 'nonInferiority' or 'superiority'" }),
      })
      .default(DEFAULT_SCORECARD.primary.test as PrimaryTest),
    /**
     * Non-inferiority margin. Null: the metric's default — accuracy uses `nonInferiorityMargin`
     * (absolute, 2 points), mean metrics 0.05 relative (5 % of the stable's mean). @default null
     */
    margin: margin.nullable().default(DEFAULT_SCORECARD.primary.margin),
    /** Roll back once the canary is proven worse than this. Null: `harmMargin` (0). @default null */
    harmMargin: margin.nullable().default(DEFAULT_SCORECARD.primary.harmMargin),
    /** Margins relative to the stable's value (mean metrics only). Null: false for accuracy, true otherwise. @default null */
    relative: z
      .boolean({ invalid_type_error: 'must be true or false' })
      .nullable()
      .default(DEFAULT_SCORECARD.primary.relative),
  })
  .strict()
  .default({});

const guardrail = z
  .object({
    metric: metricName,
    /** Roll back once the canary is proven worse than this. @default 0.02 (relative: 2 %) */
    margin: margin.default(DEFAULT_GUARDRAIL_MARGIN),
    /** The margin is relative to the stable's value (mean metrics). @default true */
    relative: z.boolean({ invalid_type_error: 'must be true or false' }).default(true),
  })
  .strict();

const outcome = z
  .object({
    /** Whether more of the outcome is better (revenue, clicks) or worse (returns). @default 'higher' */
    better: z
      .enum(['higher', 'lower'], { errorMap: () => ({ message: "must be 'higher' or 'lower'" }) })
      .default('higher'),
  })
  .strict();

export const scorecardSchema = z
  .object({
    primary,
    /**
     * Metrics that must not get worse besides error rate and latency. 'auto' follows the data:
     * log-loss when predictions carry class probabilities, each named outcome of the labels. An
     * explicit list replaces the automatic one. @default 'auto'
     */
    guardrails: z
      .union([z.literal('auto'), z.array(guardrail).max(20, 'must list at most 20 guardrails')])
      .default(DEFAULT_SCORECARD.guardrails as 'auto'),
    /** Direction of named outcomes, by name; unnamed outcomes are better when higher. @default {} */
    outcomes: z.record(outcome).default({}),
  })
  .strict()
  .default({});

export const segmentsSchema = z
  .object({
    /** Guard every segment with enough data when predictions carry segments. @default true */
    enabled: z
      .boolean({ invalid_type_error: 'must be true or false' })
      .default(DEFAULT_SEGMENTS.enabled),
    /**
     * A feature of the request (a top-level field of its JSON features) whose value is the
     * request's segment; the router sets it on the routed request. Null: only segments the
     * predictions carry. @default null
     */
    feature: z
      .string({ invalid_type_error: 'must be a feature name' })
      .trim()
      .min(1, 'must not be empty')
      .nullable()
      .default(DEFAULT_SEGMENTS.feature),
    /** Mature labelled samples per arm a segment needs before it is judged. @default 200 */
    minSamples: z
      .number()
      .int('must be a whole number')
      .positive('must be > 0')
      .default(DEFAULT_SEGMENTS.minSamples),
    /**
     * Segments judged at most (in order of first appearance); the error level is split over this
     * many (Bonferroni), so it should not be much larger than the segments there are. @default 16
     */
    maxSegments: z
      .number()
      .int('must be a whole number')
      .positive('must be > 0')
      .lte(100, 'must be <= 100')
      .default(DEFAULT_SEGMENTS.maxSegments),
    /** Guard the guardrail metrics within each segment too, not only the primary. @default false */
    guardrails: z
      .boolean({ invalid_type_error: 'must be true or false' })
      .default(DEFAULT_SEGMENTS.guardrails),
  })
  .strict()
  .default({});

export type Scorecard = z.output<typeof scorecardSchema>;
export type SegmentsPolicy = z.output<typeof segmentsSchema>;
