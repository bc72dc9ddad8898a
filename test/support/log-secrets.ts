/**
 * Where any of `secrets` appears in any of the logs: `file: secret #i` per finding (the secret
 * itself is not repeated, so a failing assertion does not print it either). Empty when clean.
 */
export function secretsInLogs(
  logs: ReadonlyMap<string, string>,
  secrets: readonly string[],
): string[] {
  const found: string[] = [];
  for (const [file, text] of logs) {
    secrets.forEach((secret, i) => {
      if (secret.length > 0 && text.includes(secret)) found.push(`${file}: secret #${i}`);
    });
  }
  return found;
}
