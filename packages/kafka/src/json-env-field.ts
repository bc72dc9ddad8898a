import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * An optional variable holding JSON text, or the path of a file holding it (anything not
 * starting with `{` or `[`). `check` validates the parsed value and returns its problems (empty when
 * valid); they become the variable's error message at start-up.
 */
export function jsonOrFileField<T>(check: (value: unknown) => readonly string[]) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T | undefined => {
      const text = value?.trim() ?? '';
      if (text === '') return undefined;
      const fail = (message: string) => {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        return z.NEVER;
      };
      let json = text;
      if (!text.startsWith('{') && !text.startsWith('[')) {
        try {
          json = readFileSync(text, 'utf8');
        } catch (e) {
          return fail(`is neither JSON nor a readable file: ${(e as Error).message}`);
        }
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch (e) {
        return fail(`is not valid JSON: ${(e as Error).message}`);
      }
      const problems = check(parsed);
      return problems.length > 0 ? fail(problems.join('; ')) : (parsed as T);
    });
}
