/** Sum of a prom-client counter's values whose labels match `where`. */
export async function counterTotal(
  registry: {
    getSingleMetric(
      name: string,
    ):
      | { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> }
      | undefined;
  },
  name: string,
  where: Record<string, string> = {},
): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(where).every(([k, x]) => v.labels[k] === x))
    .reduce((sum, v) => sum + v.value, 0);
}
