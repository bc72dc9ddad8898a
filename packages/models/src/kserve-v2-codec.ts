import { z } from 'zod';
import type { PredictRequest } from './backend.js';
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
 * The inference request of several rows: each input tensor's rows stacked along the first
 * dimension (config validation ensures it is 1 per row when rows are batched). A single request
 * keeps its id; a batch has none of its own.
 */
function body(rows: readonly unknown[], requestIds: readonly string[]): unknown {
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
  return requestIds.length === 1 ? { id: requestIds[0], inputs } : { inputs };
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
  if (tensor.datatype === 'BYTES') return { output: String(first), score: null };
  if (!data.every((x): x is number => typeof x === 'number'))
    return { error: `output ${tensor.name} of type ${tensor.datatype} holds non-numbers` };
  if (data.length === 1) {
    const value = data[0] as number;
    if (labels === undefined) return { output: String(value), score: value };
    const label = labels[value];
    return label === undefined
      ? { error: `class index ${value} has no label` }
      : { output: label, score: null };
  }
  const scores = data as number[];
  const best = scores.reduce(
    (bestIndex, x, i) => (x > (scores[bestIndex] ?? -Infinity) ? i : bestIndex),
    0,
  );
  return { output: labels?.[best] ?? String(best), score: scores[best] ?? null };
}

function decode(
  endpoint: KserveEndpoint,
  body: unknown,
  rows: number,
): DecodedPrediction[] | { error: string } {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) return { error: 'response is not an inference response with outputs' };
  const { name, labels, scoreName } = endpoint.output;
  const tensor = findTensor(parsed.data.outputs, name);
  if ('error' in tensor) return tensor;
  const sliced = sliceRows(tensor, rows);
  if ('error' in sliced) return sliced;
  const predictions = sliced.map((data) => decodeRow(tensor, data, labels));
  if (scoreName === undefined) return predictions;

  const scoreTensor = findTensor(parsed.data.outputs, scoreName);
  if ('error' in scoreTensor) return scoreTensor;
  const scores = sliceRows(scoreTensor, rows);
  if ('error' in scores) return scores;
  return predictions.map((prediction, r) => {
    if ('error' in prediction) return prediction;
    const score = scores[r]?.[0];
    return typeof score === 'number'
      ? { ...prediction, score }
      : { error: `output ${scoreName} holds no number` };
  });
}

/**
 * KServe v2 / Open Inference Protocol codec (see `httpEndpointSchema` for the output rules). A
 * call of n rows expects each output tensor to hold n equal slices, one per row, in order —
 * shape [n], [n, 1] or [n, classes].
 */
export function kserveV2Codec(endpoint: KserveEndpoint): EndpointCodec {
  return {
    maxRows: endpoint.batch.maxRows,
    callsInFlight: endpoint.batch.maxRows > 1 ? endpoint.batch.callsInFlight : Infinity,
    encode: (request) => encode(endpoint, request),
    body,
    decode: (response, rows) => decode(endpoint, response, rows),
  };
}
