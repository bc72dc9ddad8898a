/** Feature fields through which simulated requests carry their ground truth. */
export const SIM_TRUE_LABEL_FIELD = 'trueLabel';
export const SIM_TRUE_VALUE_FIELD = 'trueValue';

export type Truth = { readonly label: string } | { readonly value: number };

/** The truth a simulated request carries in its features, if any. */
export function readTruth(features: unknown): Truth | undefined {
  if (typeof features !== 'object' || features === null) return undefined;
  const record = features as Record<string, unknown>;
  const label = record[SIM_TRUE_LABEL_FIELD];
  if (typeof label === 'string') return { label };
  const value = record[SIM_TRUE_VALUE_FIELD];
  if (typeof value === 'number' && Number.isFinite(value)) return { value };
  return undefined;
}
