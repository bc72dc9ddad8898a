/**
 * Parses `ROUTER_DEFAULT_VARIANTS`: comma-separated `model=variant` pairs (e.g.
 * `weather=weather-logreg-v1,churn=churn-v3`), the variant serving each model that has no
 * rollout state. Returns a problem per bad entry instead of throwing, for the config loader.
 */
export function parseDefaultVariants(
  text: string,
): { ok: true; variants: Record<string, string> } | { ok: false; problems: string[] } {
  const variants: Record<string, string> = {};
  const problems: string[] = [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const parts = entry.split('=').map((p) => p.trim());
    const [model, variant] = parts;
    if (parts.length !== 2 || !model || !variant) {
      problems.push(`"${entry}" is not model=variant`);
    } else if (Object.hasOwn(variants, model)) {
      problems.push(`model "${model}" is listed twice`);
    } else {
      variants[model] = variant;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, variants };
}
