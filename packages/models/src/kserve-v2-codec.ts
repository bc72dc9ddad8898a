import { z } from 'zod';
import type { PredictRequest } from './backend.js';
import type { DecodedPrediction, EndpointCodec, HttpCall } from './endpoint-codec.js';
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

function encode(endpoint: KserveEndpoint, request: PredictRequest): HttpCall | { error: string } {
  const inputs = [];
  for (const input of endpoint.inputs) {
    const data: TensorElement[] = [];
    for (const path of input.features) {
      const value = element(input.datatype, path, valueAtPath(request.features, path));
      if (typeof value === 'object') return value;
      data.push(value);
    }
    inputs.push({
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
  return { url, body: { id: request.requestId, inputs } };
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

function decode(endpoint: KserveEndpoint, body: unknown): DecodedPrediction {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) return { error: 'response is not an inference response with outputs' };
  const { name, labels, scoreName } = endpoint.output;
  const tensor = findTensor(parsed.data.outputs, name);
  if ('error' in tensor) return tensor;
  const data = tensor.data.flat(Infinity) as unknown[];
  const first = data[0];
  if (first === undefined) return { error: `output ${tensor.name} is empty` };

  let prediction: { output: string | null; score: number | null };
  if (tensor.datatype === 'BYTES') {
    prediction = { output: String(first), score: null };
  } else if (!data.every((x): x is number => typeof x === 'number')) {
    return { error: `output ${tensor.name} of type ${tensor.datatype} holds non-numbers` };
  } else if (data.length === 1) {
    const value = data[0] as number;
    if (labels === undefined) prediction = { output: String(value), score: value };
    else {
      const label = labels[value];
      if (label === undefined) return { error: `class index ${value} has no label` };
      prediction = { output: label, score: null };
    }
  } else {
    const scores = data as number[];
    const best = scores.reduce(
      (bestIndex, x, i) => (x > (scores[bestIndex] ?? -Infinity) ? i : bestIndex),
      0,
    );
    prediction = { output: labels?.[best] ?? String(best), score: scores[best] ?? null };
  }
  if (scoreName === undefined) return prediction;
  const scoreTensor = findTensor(parsed.data.outputs, scoreName);
  if ('error' in scoreTensor) return scoreTensor;
  const score = scoreTensor.data.flat(Infinity)[0];
  return typeof score === 'number'
    ? { ...prediction, score }
    : { error: `output ${scoreName} holds no number` };
}

/** KServe v2 / Open Inference Protocol codec (see `httpEndpointSchema` for the output rules). */
export function kserveV2Codec(endpoint: KserveEndpoint): EndpointCodec {
  return {
    encode: (request) => encode(endpoint, request),
    decode: (body) => decode(endpoint, body),
  };
}
