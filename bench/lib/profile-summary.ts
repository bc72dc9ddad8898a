/**
 * Reads a V8 CPU profile (the `.cpuprofile` of `node --cpu-prof` or the inspector's
 * `Profiler.stop`) into the two tables a hotspot hunt starts from: the functions with the most
 * self time, and the share of samples each area of code (a Kanary package, a dependency, Node's
 * internals, the garbage collector) appears in anywhere on the stack.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

/** The parts of a V8 CPU profile read here. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

export interface ProfileRow {
  readonly name: string;
  /** Share of all samples, 0–1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly samples: number;
  /** Functions by self samples, most first. */
  readonly self: readonly ProfileRow[];
  /** Areas by samples with the area anywhere on the stack (inclusive), most first. */
  readonly areas: readonly ProfileRow[];
  /** Kanary's own functions (packages/, services/) by samples with them on the stack. */
  readonly kanary: readonly ProfileRow[];
}

const PNPM_PACKAGE = /\/node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@/;
const WORKSPACE = /\/(packages|services|bench)\/([^/]+)\//;

/** The area of code a frame belongs to, e.g. `kafkajs`, `@kanary/contracts`, `services/router`. */
export function areaOf(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node internals';
  const dependency = PNPM_PACKAGE.exec(frame.url);
  if (dependency) return dependency[1]!.replace('+', '/');
  const workspace = WORKSPACE.exec(frame.url);
  if (workspace) {
    if (workspace[1] === 'packages') return `@kanary/${workspace[2]}`;
    if (workspace[1] === 'services') return `services/${workspace[2]}`;
    return 'bench';
  }
  return frame.url;
}

const frameName = (frame: CallFrame): string => {
  const file = frame.url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/)?/, '');
  const where = frame.url === '' ? '' : ` ${file}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
};

const ranked = (counts: Map<string, number>, total: number, top: number): ProfileRow[] =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, share: n / total }));

export function summariseProfile(profile: CpuProfile, top = 30): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  // What is on each node's stack (areas, and Kanary's own functions), computed once per node.
  const onStack = new Map<number, { areas: ReadonlySet<string>; kanary: ReadonlySet<string> }>();
  const stackOf = (id: number): { areas: ReadonlySet<string>; kanary: ReadonlySet<string> } => {
    let stack = onStack.get(id);
    if (stack === undefined) {
      const up = parent.get(id);
      const above = up === undefined ? undefined : stackOf(up);
      const frame = byId.get(id)!.callFrame;
      const area = areaOf(frame);
      const kanary = new Set(above?.kanary);
      if (area.startsWith('@kanary/') || area.startsWith('services/')) kanary.add(frameName(frame));
      stack = { areas: new Set(above?.areas).add(area), kanary };
      onStack.set(id, stack);
    }
    return stack;
  };
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const kanary = new Map<string, number>();
  const count = (counts: Map<string, number>, key: string) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const id of profile.samples) {
    count(self, frameName(byId.get(id)!.callFrame));
    const stack = stackOf(id);
    for (const area of stack.areas) count(areas, area);
    for (const fn of stack.kanary) count(kanary, fn);
  }
  areas.delete('(root)');
  const total = profile.samples.length;
  return {
    samples: total,
    self: ranked(self, total, top),
    areas: ranked(areas, total, top),
    kanary: ranked(kanary, total, top),
  };
}

export function renderProfileSummary(summary: ProfileSummary): string {
  const pct = (share: number) => `${(100 * share).toFixed(1).padStart(5)} %`;
  return [
    `${summary.samples} samples`,
    '',
    'inclusive, by area of code:',
    ...summary.areas.map((r) => `  ${pct(r.share)}  ${r.name}`),
    '',
    "Kanary's functions, inclusive:",
    ...summary.kanary.map((r) => `  ${pct(r.share)}  ${r.name}`),
    '',
    'self time, by function:',
    ...summary.self.map((r) => `  ${pct(r.share)}  ${r.name}`),
  ].join('\n');
}
