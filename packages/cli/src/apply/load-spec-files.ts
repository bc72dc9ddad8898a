import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSpecDocuments, type ParsedSpecs, type SpecProblem } from './rollout-spec.js';

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

/** The YAML files a path names: the file itself, or a folder's `*.yaml` / `*.yml` files by name. */
async function yamlFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isYaml(e.name))
    .map((e) => join(path, e.name))
    .sort();
}

/**
 * Reads every spec of the given files and folders. A model named by two specs is a problem of
 * the later one: which of them should win is not for `apply` to guess.
 */
export async function loadSpecFiles(paths: readonly string[]): Promise<ParsedSpecs> {
  const specs: Array<ParsedSpecs['specs'][number]> = [];
  const invalid: SpecProblem[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = await yamlFiles(path);
    } catch (e) {
      invalid.push({ where: path, problems: [`cannot read: ${(e as Error).message}`] });
      continue;
    }
    for (const file of files) {
      const parsed = parseSpecDocuments(await readFile(file, 'utf8'), file);
      invalid.push(...parsed.invalid);
      for (const entry of parsed.specs) {
        const first = specs.find((s) => s.spec.model === entry.spec.model);
        if (first) {
          invalid.push({
            where: entry.where,
            problems: [`model: "${entry.spec.model}" is already specified in ${first.where}`],
          });
        } else specs.push(entry);
      }
    }
  }
  return { specs, invalid };
}
