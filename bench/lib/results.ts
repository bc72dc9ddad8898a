/** One measured quantity: its value in every repetition, their median, and how it compares. */
export interface Metric {
  /** Stable identifier, the key for comparing JSON between commits (e.g. `router.kafka.throughput`). */
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly runs: readonly number[];
  readonly median: number;
  /** The baseline measured in the same run on the same broker, and median ÷ baseline median. */
  readonly baseline?: { readonly key: string; readonly median: number; readonly ratio: number };
  /** A target of the issue, and whether the median meets it. */
  readonly target?: { readonly text: string; readonly met: boolean };
}

export interface BenchmarkResult {
  readonly name: string;
  readonly title: string;
  /** How it was measured: sizes, rates, settings. */
  readonly setup: string;
  readonly metrics: readonly Metric[];
  /** Findings worth a sentence in RESULTS.md (what bounds a number, what was left out). */
  readonly notes: readonly string[];
}

export interface BenchContext {
  readonly repetitions: number;
  /** Small sizes for developing the harness; the numbers mean little. */
  readonly quick: boolean;
  log(line: string): void;
}

export interface Benchmark<S> {
  readonly name: string;
  readonly title: string;
  run(stack: S, context: BenchContext): Promise<BenchmarkResult>;
}
