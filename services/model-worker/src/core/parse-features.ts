/**
 * Parses a routed request's features text. Contracts already reject records whose features are
 * not JSON, so a failure here is unexpected; it becomes an ERROR prediction, never an exception.
 */
export function parseFeatures(
  text: string,
):
  | { readonly ok: true; readonly features: unknown }
  | { readonly ok: false; readonly error: string } {
  try {
    return { ok: true, features: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `features are not JSON: ${(e as Error).message}` };
  }
}
