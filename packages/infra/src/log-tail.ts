import { readFile } from 'node:fs/promises';

/** The last `lines` lines of each existing file, for error messages about a process that failed. */
export async function tailLogs(files: readonly string[], lines = 25): Promise<string> {
  const parts: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text?.trim())
      parts.push(
        `--- ${file} (last ${lines} lines)\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`,
      );
  }
  return parts.join('\n');
}
