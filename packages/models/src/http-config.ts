import { z } from 'zod';

/** Tensor element types of the KServe v2 / Open Inference Protocol. */
export const KSERVE_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type KserveDatatype = (typeof KSERVE_DATATYPES)[number];

/** Class names, in the order of a model's probability columns. */
const classNamesSchema = z
  .array(z.string().min(1, 'must not be empty'))
  .min(2, 'must name at least 2 classes')
  .refine((classes) => new Set(classes).size === classes.length, 'must be distinct');

const kserveInputSchema = z
  .object({
    /** Input tensor name the model server expects. */
    name: z.string().min(1),
    /** @default 'FP32' */
    datatype: z.enum(KSERVE_DATATYPES).default('FP32'),
    /** Dotted paths into the request's features; their values, in order, are the tensor's data. */
    features: z.array(z.string().min(1)).min(1),
    /**
     * Tensor shape of one request's row. Several rows in one call (`batch.maxRows`) are stacked
     * along the first dimension, which must then be 1.
     * @default [1, features.length] — one row, one column per feature
     */
    shape: z.array(z.number().int().nonnegative()).optional(),
  })
  .strict();

/**
 * KServe v2 / Open Inference Protocol: `POST {baseUrl}/v2/models/{modelName}[/versions/{v}]/infer`.
 *
 * The chosen output tensor is read as: BYTES → its first element is the output; a single number
 * → a class index into `labels` if given, else a numeric prediction (output and score); several
 * numbers → class scores, the arg-max is the output (its label, or its index) and its value the
 * score. With `scores`, each row's class probabilities are read from their own output tensor.
 */
const kserveEndpointSchema = z
  .object({
    protocol: z.literal('kserve-v2'),
    baseUrl: z.string().url(),
    /** @default the request's `model` */
    modelName: z.string().min(1).optional(),
    modelVersion: z.string().min(1).optional(),
    /**
     * Several requests per call, as rows stacked along each input's first dimension. A lone
     * request is never held back: rows gather only while `callsInFlight` calls to the model are
     * already out (a backlog, as when the worker takes a fetched batch), and go in the next call.
     * The default, one row per call, suits model servers that accept a single row only.
     */
    batch: z
      .object({
        /** Most rows per call; 1 sends each request on its own. @default 1 */
        maxRows: z.number().int().min(1).max(1024).default(1),
        /** Calls in flight at once per model while batching (`maxRows` above 1). @default 2 */
        callsInFlight: z.number().int().min(1).default(2),
      })
      .strict()
      .default({}),
    inputs: z.array(kserveInputSchema).min(1),
    output: z
      .object({
        /** Output tensor to read. @default the first one */
        name: z.string().min(1).optional(),
        /** Class names by index, for outputs that are class indexes or per-class scores. */
        labels: z.array(z.string()).min(1).optional(),
        /** A separate output tensor whose first element is the score. */
        scoreName: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /**
     * The class probabilities to put on each prediction, from an output tensor of one row of
     * probabilities per input row, one column per class: `predict_proba` of MLServer's
     * scikit-learn runtime, or `output-0` of KServe's sklearnserver run with PREDICT_PROBA=true
     * (then `output.name` is `output-0` too, and the predicted class is the most likely one).
     * The request then lists the outputs it reads (`output.name`, `output.scoreName` and this
     * one), as a server returns only the outputs a request lists, or a default set without
     * `predict_proba`. A row whose probabilities are not `classes.length` numbers in [0, 1]
     * summing to 1 (±0.01) is an ERROR. Where `output` gives no score, the probability of the
     * predicted class is the score. @default none: predictions carry no scores
     */
    scores: z
      .object({
        /** Output tensor of the probabilities, e.g. `predict_proba`. */
        output: z.string().min(1, 'must name an output tensor'),
        /** The class of each column, in order (scikit-learn: the estimator's `classes_`). */
        classes: classNamesSchema,
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * Plain JSON: `POST {url}` with the request's features as the body; the output (and optionally
 * the score) are read from the response at dotted paths. A numeric output without a
 * `scorePath` is also the score.
 */
const jsonEndpointSchema = z
  .object({
    protocol: z.literal('json'),
    url: z.string().url(),
    /** Dotted path of the prediction in the response, e.g. `prediction` or `result.label`. */
    outputPath: z.string().min(1),
    scorePath: z.string().min(1).optional(),
    /**
     * The class probabilities to put on each prediction: at `path`, an object class →
     * probability, or an array of probabilities in the order of `classes`. Absent or null in a
     * response: that prediction has no scores. Probabilities that are not numbers in [0, 1]
     * summing to 1 (±0.01) make the prediction an ERROR. Without `scorePath`, the probability of
     * the predicted class is the score. @default none: predictions carry no scores
     */
    scores: z
      .object({
        /** Dotted path of the probabilities in the response, e.g. `probabilities`. */
        path: z.string().min(1, 'must not be empty'),
        /** The class of each element when the probabilities are an array. */
        classes: classNamesSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const httpEndpointSchema = z.discriminatedUnion('protocol', [
  kserveEndpointSchema,
  jsonEndpointSchema,
]);
export type KserveEndpoint = z.output<typeof kserveEndpointSchema>;
export type JsonEndpoint = z.output<typeof jsonEndpointSchema>;

/** Exponential backoff between retries: min(maxDelayMs, minDelayMs · factor^(retry−1)). */
const retrySchema = z
  .object({
    /**
     * Retries after the first attempt, on 5xx responses and network errors; never on 4xx, nor on
     * a 503 (the server is overloaded: see `overloadBackoff`). @default 2
     */
    retries: z.number().int().min(0).default(2),
    /** @default 50 */
    minDelayMs: z.number().nonnegative().default(50),
    /** @default 1000 */
    maxDelayMs: z.number().nonnegative().default(1000),
    /** @default 2 */
    factor: z.number().min(1).default(2),
  })
  .strict();

/**
 * Back-off after an overload answer (HTTP 429 or 503): the next call to that endpoint waits
 * min(maxDelayMs, max(Retry-After, minDelayMs · factor^(n−1))) for the n-th overload in a row; a
 * successful call resets n. Calls waiting past their deadline are TIMEOUT.
 */
const overloadBackoffSchema = z
  .object({
    /** @default 100 */
    minDelayMs: z.number().nonnegative().default(100),
    /** The cap, also of a longer Retry-After. @default 1000 */
    maxDelayMs: z.number().nonnegative().default(1000),
    /** @default 2 */
    factor: z.number().min(1).default(2),
  })
  .strict();

/** A model served by an external HTTP model server (see {@link httpConfigSchema}). */
export const httpConfigObjectSchema = z
  .object({
    kind: z.literal('http'),
    endpoint: httpEndpointSchema,
    /** Budget for the whole call, retries and backoff included; past it the outcome is TIMEOUT. @default 2000 */
    timeoutMs: z.number().positive().default(2000),
    retry: retrySchema.default({}),
    overloadBackoff: overloadBackoffSchema.default({}),
    /** Extra request headers, e.g. authorization. @default {} */
    headers: z.record(z.string()).default({}),
  })
  .strict();

/**
 * Rules across fields of a KServe endpoint. Rows stack along the first dimension, so a batching
 * endpoint's input shapes must start at 1. With `scores` the request lists the outputs it reads,
 * so the output of the predicted class needs its name.
 */
export function checkHttpConfig(
  config: z.output<typeof httpConfigObjectSchema>,
  ctx: z.RefinementCtx,
): void {
  const { endpoint } = config;
  if (endpoint.protocol !== 'kserve-v2') return;
  if (endpoint.scores !== undefined && endpoint.output.name === undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `with scores, name the output of the predicted class (for example 'predict', or '${endpoint.scores.output}' for the most likely class): the request lists the outputs it reads`,
      path: ['endpoint', 'output', 'name'],
    });
  }
  if (endpoint.batch.maxRows === 1) return;
  endpoint.inputs.forEach((input, i) => {
    if (input.shape !== undefined && input.shape[0] !== 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'with batch.maxRows above 1, the shape of one row must start with 1',
        path: ['endpoint', 'inputs', i, 'shape'],
      });
    }
  });
}

/** A model served by an external HTTP model server. */
export const httpConfigSchema = httpConfigObjectSchema.superRefine(checkHttpConfig);

export type HttpConfig = z.input<typeof httpConfigObjectSchema>;
export type CompiledHttpConfig = z.output<typeof httpConfigObjectSchema>;
