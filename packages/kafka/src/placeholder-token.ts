/**
 * Token values that appear in Kanary's own files — the former `docker-compose.yml` fallback and
 * the `deploy/k8s/secret.yaml` placeholder. Anyone can read them, so no service accepts them.
 */
export const SHIPPED_TOKENS: readonly string[] = [
  'local-dev-operator-token',
  'replace-me-with-a-random-token',
];

/**
 * Words that mark a value typed by a person as a stand-in, matched case-insensitively anywhere
 * once separators are dropped. None can occur in `openssl rand -hex` output; each has five
 * letters or more, so 44 random base64 characters contain one with odds below one in 800,000.
 */
const PLACEHOLDER_WORDS = [
  'changeme',
  'replaceme',
  'placeholder',
  'example',
  'sample',
  'dummy',
  'default',
  'yourtoken',
  'mytoken',
  'operatortoken',
  'secret',
  'password',
  'localdev',
  'deadbeef',
];

/** Shorter stand-ins, matched only as a whole part between separators (`kanary-demo-…`). */
const PLACEHOLDER_PARTS = ['test', 'demo', 'todo', 'fixme', 'xxxx'];

/** Keyboard and counting runs: `0123456789abcdef…`, `qwerty…`. */
const RUNS = [
  '0123456789abcdefghijklmnopqrstuvwxyz',
  '12345678901234567890',
  'qwertyuiopasdfghjklzxcvbnm',
];

/**
 * Distinct characters below which a value is not random: 16 random hex characters have fewer
 * than 5 distinct ones with odds of about 4 in 10 million.
 */
const MIN_DISTINCT = 5;

/**
 * Why `token` is a known placeholder or example rather than a secret, or undefined when it is
 * none of those. Checks: a value shipped in Kanary's files, a placeholder word or part, a counting or
 * keyboard run, too few distinct characters. A pure check of the value's form: it cannot prove
 * a token random, only catch the values people leave in by mistake.
 */
export function placeholderTokenReason(token: string): string | undefined {
  const lower = token.toLowerCase();
  if (SHIPPED_TOKENS.includes(lower)) {
    return "is a placeholder published in Kanary's own files, so anyone can read it";
  }
  const letters = lower.replace(/[^a-z0-9]/g, '');
  const word =
    PLACEHOLDER_WORDS.find((w) => letters.includes(w)) ??
    lower.split(/[^a-z0-9]+/).find((part) => PLACEHOLDER_PARTS.includes(part));
  if (word !== undefined) return `looks like a placeholder (it contains "${word}")`;
  if (letters.length >= 8 && RUNS.some((run) => run.includes(letters)))
    return 'is a counting or keyboard run, not a random value';
  if (new Set(token).size < MIN_DISTINCT) {
    return `has fewer than ${MIN_DISTINCT} distinct characters, so it is not a random value`;
  }
  return undefined;
}
