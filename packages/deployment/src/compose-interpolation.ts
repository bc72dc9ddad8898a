/**
 * Docker Compose variable interpolation of one value: `${VAR}`, `${VAR:-default}` and
 * `${VAR-default}` take the value from `env` (or the default), `${VAR:?message}` (unset or
 * empty) and `${VAR?message}` (unset) throw `VAR: message` as compose stops with it, `$$` is a
 * literal `$`. Other forms (`:+`) are reported, so a check cannot silently pass over them.
 */
export function interpolate(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$\{[^}]*\}/g,
    (match, name?: string, op?: string, fallback?: string) => {
      if (match === '$$') return '$';
      if (name === undefined) throw new Error(`unsupported interpolation ${match}`);
      const set = env[name];
      if (op === ':-') return set === undefined || set === '' ? (fallback ?? '') : set;
      if (op === '-') return set === undefined ? (fallback ?? '') : set;
      if ((op === ':?' && (set === undefined || set === '')) || (op === '?' && set === undefined)) {
        throw new Error(`${name}: ${fallback ?? 'required'}`);
      }
      return set ?? '';
    },
  );
}
