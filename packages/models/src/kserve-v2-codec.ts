import { z } from 'zod';
import type { PredictRequest } from './backend.js';
import { classScores, type ClassScoresResult } from './class-scores.js';
import type { DecodedPrediction, EncodedRow, EndpointCodec } from './endpoint-codec.js';
import type { KserveDatatype, KserveEndpoint } from './http-config.js';
import { valueAtPath } from './json-path.js';

type TensorElement = number | string | boolean;

// Open Inference Protocol response; tensor data may be nested or flat (row-major).
const responseSchema = z.object({
  outputs: z
    .array(
      z.object({
        name: z.string(),
        datatype: z.string(),
        shape: z.array(z.number()),
        data: z.array(z.unknown()),
      }),
    )
    .min(1),
});
type OutputTensor = z.infer<typeof responseSchema>['outputs'][number];

function element(
  datatype: KserveDatatype,
  path: string,
  value: unknown,
): TensorElement | { error: string } {
  if (value === undefined) return { error: `feature ${path} is missing` };
  if (datatype === 'BYTES') return typeof value === 'string' ? value : JSON.stringify(value);
  if (datatype === 'BOOL')
    return typeof value === 'boolean' ? value : { error: `feature ${path} must be a boolean` };
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : { error: `feature ${path} must be a finite number` };
}

interface InputTensor {
  readonly name: string;
  readonly datatype: KserveDatatype;
  readonly shape: readonly number[];
  readonly data: readonly TensorElement[];
}

/** A request's row: its part of each input tensor. */
function encode(endpoint: KserveEndpoint, request: PredictRequest): EncodedRow | { error: string } {
  const row: InputTensor[] = [];
  for (const input of endpoint.inputs) {
    const data: TensorElement[] = [];
    for (const path of input.features) {
      const value = element(input.datatype, path, valueAtPath(request.features, path));
      if (typeof value === 'object') return value;
      data.push(value);
    }
    row.push({
      name: input.name,
      shape: input.shape ?? [1, data.length],
      datatype: input.datatype,
      data,
    });
  }
  const model = encodeURIComponent(endpoint.modelName ?? request.model);
  const version =
    endpoint.modelVersion === undefined
      ? ''
      : `/versions/${encodeURIComponent(endpoint.modelVersion)}`;
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/v2/models/${model}${version}/infer`;
  return { url, row };
}

/**
 * The outputs a request lists when it reads class probabilities: a server returns only the
 * outputs listed, and without a list its default ones (MLServer's scikit-learn runtime: `predict`
 * only). Without scores, none are listed and the server sends its default outputs.
 */
function requestedOutputs(endpoint: KserveEndpoint): { name: string }[] | undefined {
  if (endpoint.scores === undefined) return undefined;
  const names = [endpoint.output.name, endpoint.output.scoreName, endpoint.scores.output];
  return [...new Set(names.filter((n) => n !== undefined))].map((name) => ({ name }));
}

/**
 * The inference request of several rows: each input tensor's rows stacked along the first
 * dimension (config validation ensures it is 1 per row when rows are batched), and the outputs to
 * return if it lists them. A single request keeps its id; a batch has none of its own.
 */
function body(
  rows: readonly unknown[],
  requestIds: readonly string[],
  outputs: readonly { name: string }[] | undefined,
): unknown {
  const tensors = rows as ReadonlyArray<readonly InputTensor[]>;
  const first = tensors[0] ?? [];
  const inputs = first.map((input, i) => {
    const [rowsOfOne = 1, ...rest] = input.shape;
    return {
      name: input.name,
      shape: tensors.length === 1 ? input.shape : [rowsOfOne * tensors.length, ...rest],
      datatype: input.datatype,
      data: tensors.flatMap((row) => row[i]?.data ?? []),
    };
  });
  const listed = outputs === undefined ? {} : { outputs };
  return requestIds.length === 1 ? { id: requestIds[0], inputs, ...listed } : { inputs, ...listed };
}

function findTensor(
  outputs: readonly OutputTensor[],
  name: string | undefined,
): OutputTensor | { error: string } {
  const tensor = name === undefined ? outputs[0] : outputs.find((o) => o.name === name);
  return (
    tensor ?? {
      error: `response has no output ${name}; it has ${outputs.map((o) => o.name).join(', ')}`,
    }
  );
}

/** A tensor's flat data cut into `rows` equal slices, one per row of the call. */
function sliceRows(tensor: OutputTensor, rows: number): unknown[][] | { error: string } {
  const data = tensor.data.flat(Infinity) as unknown[];
  if (data.length === 0) return { error: `output ${tensor.name} is empty` };
  if (data.length % rows !== 0)
    return {
      error: `output ${tensor.name} has ${data.length} elements for ${rows} rows (shape ${JSON.stringify(tensor.shape)})`,
    };
  const size = data.length / rows;
  return Array.from({ length: rows }, (_, r) => data.slice(r * size, (r + 1) * size));
}

/** One row's prediction from its slice of the output tensor. */
function decodeRow(
  tensor: OutputTensor,
  data: readonly unknown[],
  labels: readonly string[] | undefined,
): DecodedPrediction {
  const first = data[0];
  if (tensor.datatype === 'BYTES') return { output: String(first), score: null, scores: null };
  if (!data.every((x): x is number => typeof x === 'number'))
    return { error: `output ${tensor.name} of type ${tensor.datatype} holds non-numbers` };
  if (data.length === 1) {
    const value = data[0] as number;
    if (labels === undefined) return { output: String(value), score: value, scores: null };
    const label = labels[value];
    return label === undefined
      ? { error: `class index ${value} has no label` }
      : { output: label, score: null, scores: null };
  }
  const scores = data as number[];
  const best = scores.reduce(
    (bestIndex, x, i) => (x > (scores[bestIndex] ?? -Infinity) ? i : bestIndex),
    0,
  );
  return { output: labels?.[best] ?? String(best), score: scores[best] ?? null, scores: null };
}

/** Each row's class probabilities, from their own output tensor. */
function rowScores(
  outputs: readonly OutputTensor[],
  scores: NonNullable<KserveEndpoint['scores']>,
  rows: number,
): ClassScoresResult[] | { error: string } {
  const tensor = findTensor(outputs, scores.output);
  if ('error' in tensor) return tensor;
  const sliced = sliceRows(tensor, rows);
  if ('error' in sliced) return sliced;
  return sliced.map((data, r) =>
    classScores(scores.classes, data, `output ${scores.output}${rows > 1 ? ` row ${r}` : ''}`),
  );
}

/** A row's prediction with its probabilities; the predicted class's one is the score if it has none. */
function withScores(
  prediction: DecodedPrediction,
  scored: ClassScoresResult | undefined,
): DecodedPrediction {
  if ('error' in prediction) return prediction;
  if (scored === undefined) return { error: 'no probabilities for this row' };
  if (!scored.ok) return { error: scored.error };
  const { output } = prediction;
  const own = output !== null && Object.hasOwn(scored.scores, output);
  const score = prediction.score ?? (own ? (scored.scores[output] ?? null) : null);
  return { output, score, scores: scored.scores };
}

function decode(
  endpoint: KserveEndpoint,
  body: unknown,
  rows: number,
): DecodedPrediction[] | { error: string } {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) return { error: 'response is not an inference response with outputs' };
  const { outputs } = parsed.data;
  const { name, scoreName } = endpoint.output;
  // A class read from the probabilities tensor itself is named by the probabilities' classes.
  const labels =
    endpoint.output.labels ??
    (name !== undefined && name === endpoint.scores?.output ? endpoint.scores.classes : undefined);
  const tensor = findTensor(outputs, name);
  if ('error' in tensor) return tensor;
  const sliced = sliceRows(tensor, rows);
  if ('error' in sliced) return sliced;
  let predictions = sliced.map((data) => decodeRow(tensor, data, labels));

  if (scoreName !== undefined) {
    const scoreTensor = findTensor(outputs, scoreName);
    if ('error' in scoreTensor) return scoreTensor;
    const scores = sliceRows(scoreTensor, rows);
    if ('error' in scores) return scores;
    predictions = predictions.map((prediction, r) => {
      if ('error' in prediction) return prediction;
      const score = scores[r]?.[0];
      return typeof score === 'number'
        ? { ...prediction, score }
        : { error: `output ${scoreName} holds no number` };
    });
  }
  if (endpoint.scores === undefined) return predictions;
  const scored = rowScores(outputs, endpoint.scores, rows);
  if ('error' in scored) return scored;
  return predictions.map((prediction, r) => withScores(prediction, scored[r]));
}

/**
 * KServe v2 / Open Inference Protocol codec (see `httpEndpointSchema` for the output rules). A
 * call of n rows expects each output tensor it reads to hold n equal slices, one per row, in
 * order — shape [n], [n, 1] or [n, classes].
 */
export function kserveV2Codec(endpoint: KserveEndpoint): EndpointCodec {
  const outputs = requestedOutputs(endpoint);
  return {
    maxRows: endpoint.batch.maxRows,
    callsInFlight: endpoint.batch.maxRows > 1 ? endpoint.batch.callsInFlight : Infinity,
    encode: (request) => encode(endpoint, request),
    body: (rows, requestIds) => body(rows, requestIds, outputs),
    decode: (response, rows) => decode(endpoint, response, rows),
  };
}
