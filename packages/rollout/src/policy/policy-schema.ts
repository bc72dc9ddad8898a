/**
 * The rollout policy: what the decision service checks before it advances, promotes, rolls back
 * or pauses a rollout. It travels as JSON in the START command (`state.policy`); fields left out
 * take the defaults below, which are meant to be safe for a production model whose labels
 * arrive within the hour. Staged like every option set here: user input → defaults applied →
 * validated ({@link parsePolicy}); nothing is converted later.
 */
import { z } from 'zod';
import {
  DEFAULT_SCORECARD,
  DEFAULT_SEGMENTS,
  scorecardSchema,
  segmentsSchema,
} from './scorecard-schema.js';
import { confirmWebhookSchema, notificationTargetSchema } from './webhook-schema.js';

/** How a rollout begins: serving a share of traffic, or answering copies first (shadow). */
export const RolloutMode = { CANARY: 'canary', SHADOW: 'shadow' } as const;
export type RolloutMode = (typeof RolloutMode)[keyof typeof RolloutMode];

/** What the policy does when a step (or the shadow phase) outlives `maxStepDurationMs`. */
export const StepTimeoutAction = {
  /** Keep waiting and keep reporting HOLD, marked as timed out. */
  HOLD: 'hold',
  /** Pause the rollout so a person looks at it (RESUME restarts the step's clock). */
  PAUSE: 'pause',
  /** Give up on the canary. */
  ROLLBACK: 'rollback',
  /** No news is good news: advance (or promote after the last step) unless a guardrail failed. */
  ADVANCE: 'advance',
} as const;
export type StepTimeoutAction = (typeof StepTimeoutAction)[keyof typeof StepTimeoutAction];

const HOUR_MS = 3_600_000;

/** The defaults, spelled out once; {@link policySchema} applies them field by field. */
export const DEFAULT_POLICY = Object.freeze({
  mode: RolloutMode.CANARY,
  steps: Object.freeze([0.01, 0.05, 0.25, 0.5]),
  minSamplesPerStep: 200,
  alpha: 0.05,
  nonInferiorityMargin: 0.02,
  harmMargin: 0,
  latency: Object.freeze({ enabled: true, quantile: 0.95, maxRatio: 1.2, referenceSamples: 1000 }),
  errorRate: Object.freeze({ enabled: true, maxIncrease: 0.01 }),
  metrics: DEFAULT_SCORECARD,
  segments: DEFAULT_SEGMENTS,
  labelMaturityMs: HOUR_MS,
  maxStepDurationMs: 24 * HOUR_MS,
  onStepTimeout: StepTimeoutAction.PAUSE,
  srmAlpha: 0.001,
  minLabelCoverageRatio: 0.8,
  coverageAlpha: 0.001,
  shadowAgreement: Object.freeze({ enabled: true, minPairs: 500 }),
  approval: Object.freeze({ promote: false, advance: false, confirmWebhook: null }),
  notifications: Object.freeze([]),
});

const number = (): z.ZodNumber =>
  z.number({ invalid_type_error: 'must be a number', required_error: 'is required' }).finite();
const wholeMs = (): z.ZodNumber => number().int('must be whole milliseconds');
const level = (): z.ZodNumber => number().gt(0, 'must be > 0').lt(0.5, 'must be < 0.5');
const flag = (fallback: boolean): z.ZodDefault<z.ZodBoolean> =>
  z.boolean({ invalid_type_error: 'must be true or false' }).default(fallback);

const steps = z
  .array(number().gt(0, 'must be > 0').lte(1, 'must be <= 1'), {
    invalid_type_error: 'must be an array of canary weights',
  })
  .min(1, 'must list at least one canary weight')
  .superRefine((weights, ctx) => {
    weights.forEach((weight, index) => {
      const previous = weights[index - 1];
      if (previous !== undefined && weight <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `must be greater than the previous step (${previous})`,
        });
      }
    });
    if (weights.length === 1 && weights[0] === 1) {
      ctx.addIssue({ code: 'custom', message: 'needs a step below 1 (100 % leaves no control)' });
    }
  })
  // A final 100 % step means "promote": with no stable traffic left there is nothing to compare
  // with, so reaching it is the promotion itself.
  .transform((weights) => (weights.at(-1) === 1 ? weights.slice(0, -1) : weights));

const latency = z
  .object({
    /** Check the latency guardrail. @default true */
    enabled: flag(DEFAULT_POLICY.latency.enabled),
    /** Quantile compared: 0.95 = p95. @default 0.95 */
    quantile: number()
      .gt(0.5, 'must be > 0.5')
      .lt(1, 'must be < 1')
      .default(DEFAULT_POLICY.latency.quantile),
    /** The canary's quantile may be at most this multiple of the stable's reference quantile. @default 1.2 */
    maxRatio: number().gte(1, 'must be >= 1').default(DEFAULT_POLICY.latency.maxRatio),
    /** Stable latencies that fix the reference quantile before the guardrail is used. @default 1000 */
    referenceSamples: number()
      .int('must be a whole number')
      .gte(100, 'must be >= 100')
      .default(DEFAULT_POLICY.latency.referenceSamples),
  })
  .strict()
  .default({});

const errorRate = z
  .object({
    /** Check the error-rate guardrail. @default true */
    enabled: flag(DEFAULT_POLICY.errorRate.enabled),
    /** Tolerated increase of the ERROR/TIMEOUT rate over the stable's, in proportion points. @default 0.01 */
    maxIncrease: number()
      .gte(0, 'must be >= 0')
      .lt(1, 'must be < 1')
      .default(DEFAULT_POLICY.errorRate.maxIncrease),
  })
  .strict()
  .default({});

const shadowAgreement = z
  .object({
    /**
     * Let the label-free agreement bound advance a shadow to the first canary step. Valid only
     * when correctness is an exact match of output and label (classification); the service
     * turns it off by itself once it sees numeric labels. @default true
     */
    enabled: flag(DEFAULT_POLICY.shadowAgreement.enabled),
    /** Paired shadow predictions needed before the bound may be used. @default 500 */
    minPairs: number()
      .int('must be a whole number')
      .positive('must be > 0')
      .default(DEFAULT_POLICY.shadowAgreement.minPairs),
  })
  .strict()
  .default({});

const approval = z
  .object({
    /** PROMOTE waits for an approval (CLI, console or the confirm webhook). @default false */
    promote: flag(DEFAULT_POLICY.approval.promote),
    /** Every ADVANCE (out of shadow mode too) waits for an approval. @default false */
    advance: flag(DEFAULT_POLICY.approval.advance),
    /** Called while a rollout awaits approval; its 2xx approves. @default null (none) */
    confirmWebhook: confirmWebhookSchema.nullable().default(DEFAULT_POLICY.approval.confirmWebhook),
  })
  .strict()
  .default({});

/** zod schema of the policy with every default applied; unknown fields are errors (typos). */
export const policySchema = z
  .object({
    /** How `kanary rollout start` begins the rollout (see {@link startingWeight}). @default 'canary' */
    mode: z
      .enum([RolloutMode.CANARY, RolloutMode.SHADOW], {
        errorMap: () => ({ message: "must be 'canary' or 'shadow'" }),
      })
      .default(DEFAULT_POLICY.mode),
    /** Canary weights in (0, 1], strictly increasing; promotion follows the last. @default [0.01, 0.05, 0.25, 0.5] */
    steps: steps.default([...DEFAULT_POLICY.steps]),
    /** Mature labelled samples per arm the current step must gather before it may end. @default 200 */
    minSamplesPerStep: number()
      .int('must be a whole number')
      .positive('must be > 0')
      .default(DEFAULT_POLICY.minSamplesPerStep),
    /** Error level of every always-valid test over the whole rollout. @default 0.05 */
    alpha: level().default(DEFAULT_POLICY.alpha),
    /** δ: advance or promote only when Δ accuracy > −δ is proven. @default 0.02 (2 points) */
    nonInferiorityMargin: number()
      .gt(0, 'must be > 0')
      .lt(1, 'must be < 1')
      .default(DEFAULT_POLICY.nonInferiorityMargin),
    /** Roll back when Δ accuracy < −harmMargin is proven. @default 0 */
    harmMargin: number()
      .gte(0, 'must be >= 0')
      .lt(1, 'must be < 1')
      .default(DEFAULT_POLICY.harmMargin),
    latency,
    errorRate,
    /** The primary metric and the guardrails; defaults follow the data. @default {} */
    metrics: scorecardSchema,
    /** Per-segment guards. @default {} */
    segments: segmentsSchema,
    /**
     * Label maturity window M (ms): a prediction counts once it is M old, and only with a label
     * that arrived within M of it, in both arms alike. 0 turns the defence off (every evaluation
     * counts on arrival); only right when labels are immediate. @default 3_600_000 (1 h)
     */
    labelMaturityMs: wholeMs().nonnegative('must be >= 0').default(DEFAULT_POLICY.labelMaturityMs),
    /** Longest a step (or the shadow phase) may last before `onStepTimeout`. @default 86_400_000 (24 h) */
    maxStepDurationMs: wholeMs().positive('must be > 0').default(DEFAULT_POLICY.maxStepDurationMs),
    /** @default 'pause' */
    onStepTimeout: z
      .enum(
        [
          StepTimeoutAction.HOLD,
          StepTimeoutAction.PAUSE,
          StepTimeoutAction.ROLLBACK,
          StepTimeoutAction.ADVANCE,
        ],
        { errorMap: () => ({ message: "must be 'hold', 'pause', 'rollback' or 'advance'" }) },
      )
      .default(DEFAULT_POLICY.onStepTimeout),
    /** False-alarm level of the sequential sample-ratio-mismatch test (pauses). @default 0.001 */
    srmAlpha: level().default(DEFAULT_POLICY.srmAlpha),
    /** Pause when one arm's label coverage is proven below this share of the other's; 0 turns it off. @default 0.8 */
    minLabelCoverageRatio: number()
      .gte(0, 'must be >= 0')
      .lte(1, 'must be <= 1')
      .default(DEFAULT_POLICY.minLabelCoverageRatio),
    /** False-alarm level of the label-coverage check (pauses). @default 0.001 */
    coverageAlpha: level().default(DEFAULT_POLICY.coverageAlpha),
    shadowAgreement,
    /**
     * Approval gates: an ADVANCE or PROMOTE the evidence allows becomes a HOLD that awaits
     * approval; guardrail rollbacks and pauses never wait. @default no gate
     */
    approval,
    /** Webhooks told about this rollout's decisions and phase changes. @default [] */
    notifications: z
      .array(notificationTargetSchema, {
        invalid_type_error: 'must be an array of webhook targets',
      })
      .max(10, 'must list at most 10 targets')
      .default([]),
  })
  .strict();

/** A validated policy with every field present. */
export type Policy = z.output<typeof policySchema>;

/** What a user may write: any subset of the fields (nested objects too). */
export type PolicyInput = z.input<typeof policySchema>;
