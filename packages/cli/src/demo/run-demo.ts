import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RolloutState } from '@kanary/contracts';
import { ensureInfra, type InfraHandle } from '@kanary/infra';
import { ensureTopics } from '@kanary/kafka';
import { parsePolicy } from '@kanary/rollout';
import {
  publishCommand,
  RolloutHistory,
  RolloutView,
  type ViewEvent,
} from '@kanary/rollout-client';
import { exponentialDelay, runTraffic, SourceKind, type TrafficReport } from '@kanary/traffic';
import type { PolicyFile } from '../commands/policy-file.js';
import { startCommand } from '../commands/rollout.js';
import { cliContext, type CliContext, type GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import type { ProgressStream } from '../progress-line.js';
import { demoOutcomeAsExpected, firstReason, scenarioLines } from './demo-progress.js';
import {
  challengersOf,
  DEMO_CANDIDATES_SCENARIO,
  DEMO_SCENARIOS,
  DEMO_VARIANTS,
  demoPolicy,
  type DemoScenario,
} from './demo-scenarios.js';
import { renderReport, type ScenarioRecord } from './report-html.js';
import { DemoService, freePort, repositoryRoot, ServiceProcess } from './service-processes.js';

export interface DemoOptions {
  /** Requests per second sent to each scenario's model. */
  readonly rate: number;
  /** Mean of the exponential label delay, ms. */
  readonly labelDelayMs: number;
  /** Fraction of requests never labelled. */
  readonly unlabelled: number;
  /** The scenarios give up (outcome: the phase reached) after this long, ms. */
  readonly timeoutMs: number;
  /** A policy file replacing the demo's policy. */
  readonly policy: PolicyFile | null;
  /** Where the HTML report goes. @default .kanary/demo/<run>/report.html */
  readonly reportPath?: string | undefined;
  /** Keep the run's topics (they are deleted at the end otherwise). */
  readonly keepTopics: boolean;
  /** Run only these scenarios (by model). @default all */
  readonly models?: readonly string[] | undefined;
  /** Run the A/B/n scenario (three candidates at once) instead of the others. @default false */
  readonly candidates?: boolean | undefined;
  readonly seed: number;
}

export interface DemoResult {
  readonly scenarios: readonly ScenarioRecord[];
  readonly reportPath: string;
  readonly wallMs: number;
  /** Every scenario ended as expected. */
  readonly ok: boolean;
  /** The last state of each scenario's model, by model. */
  readonly finalStates: ReadonlyMap<string, RolloutState>;
}

const TERMINAL = new Set(['PROMOTED', 'ROLLED_BACK']);
const isTerminal = (s: RolloutState | undefined) => s !== undefined && TERMINAL.has(s.phase);

/** The policy a scenario's rollout starts with: the given file, or the demo's with the scenario's fields. */
function scenarioPolicy(s: DemoScenario, options: DemoOptions): PolicyFile {
  if (options.policy !== null) return options.policy;
  const input = { ...demoPolicy(options.labelDelayMs), ...s.policy };
  return { text: JSON.stringify(input), policy: parsePolicy(input) };
}

/** Connection to the configured cluster, or to the local stack (started if it is not running). */
async function connect(
  globals: GlobalOptions,
  runId: string,
  out: Output,
): Promise<{ ctx: CliContext; infra: InfraHandle | undefined }> {
  let infra: InfraHandle | undefined;
  let { brokers, registry } = globals;
  if ((brokers ?? process.env.KAFKA_BROKERS) === undefined) {
    out.line(
      'local Kafka and schema registry: starting or reusing (the first run downloads them from Maven Central)…',
    );
    infra = await ensureInfra();
    brokers = infra.brokers.join(',');
    registry = infra.registryUrl;
    out.line(
      `  Kafka ${brokers}, registry ${registry}${infra.startedByUs ? ' (started; stopped at the end)' : ' (already running)'}`,
    );
  }
  const ctx = cliContext({
    ...globals,
    ...(brokers !== undefined ? { brokers } : {}),
    ...(registry !== undefined ? { registry } : {}),
    prefix: globals.prefix ?? `demo-${runId}`,
    partitions: globals.partitions ?? '2',
  });
  return { ctx, infra };
}

function serviceEnvironment(ctx: CliContext, scenarios: readonly DemoScenario[]) {
  const { connection } = ctx;
  return {
    KAFKA_BROKERS: connection.brokers.join(','),
    SCHEMA_REGISTRY_URL: connection.registry.url,
    KANARY_TOPIC_PREFIX: connection.topicPrefix,
    KANARY_DATA_PARTITIONS: String(connection.dataPartitions),
    LOG_LEVEL: 'info',
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_DEFAULT_VARIANTS: scenarios.map((s) => `${s.model}=${s.stable}`).join(','),
    WORKER_VARIANTS: JSON.stringify(DEMO_VARIANTS),
    EVALUATOR_METRICS_INTERVAL_MS: '2000',
    // Time scaled like the policy's: the router's and workers' transactions commit within a
    // second here, so inputs read to their end are complete up to 3 s ago.
    EVALUATOR_WATERMARK_LATENESS_MS: '3000',
    DECISION_INTERVAL_MS: '2000',
    DECISION_HOLD_REPORT_INTERVAL_MS: '10000',
    DECISION_OPS_HOST: '127.0.0.1',
  };
}

/** Starts the four services as child processes and waits until each reports ready. */
async function startServices(
  ctx: CliContext,
  scenarios: readonly DemoScenario[],
  logDir: string,
): Promise<ServiceProcess[]> {
  const common = serviceEnvironment(ctx, scenarios);
  const [router, worker, evaluator, decision] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const url = (port: number) => `http://127.0.0.1:${port}/readyz`;
  const specs: Array<[DemoService, Record<string, string>, number]> = [
    [DemoService.ROUTER, { ROUTER_HTTP_PORT: String(router) }, router!],
    [DemoService.MODEL_WORKER, { OPS_PORT: String(worker) }, worker!],
    [DemoService.EVALUATOR, { OPS_PORT: String(evaluator) }, evaluator!],
    [DemoService.DECISION, { DECISION_OPS_PORT: String(decision) }, decision!],
  ];
  const root = repositoryRoot();
  const processes = specs.map(
    ([service, env, port]) =>
      new ServiceProcess(
        service,
        { ...common, ...env },
        url(port),
        join(logDir, `${service}.log`),
        root,
      ),
  );
  try {
    await Promise.all(processes.map((p) => p.waitReady(120_000)));
  } catch (e) {
    await Promise.all(processes.map((p) => p.stop()));
    throw e;
  }
  return processes;
}

/** Renders the live progress: a block redrawn in place on a terminal, a block every 10 s otherwise. */
function progressPrinter(stream: ProgressStream, render: () => string[]) {
  const tty = stream.isTTY === true;
  let drawn = 0;
  let lastPlain = 0;
  return {
    tick(force = false) {
      const lines = render();
      if (tty) {
        const up = drawn > 0 ? `\u001b[${drawn}F` : '';
        stream.write(`${up}${lines.map((l) => `\u001b[2K${l}\n`).join('')}`);
        drawn = lines.length;
      } else if (force || Date.now() - lastPlain >= 10_000) {
        lastPlain = Date.now();
        stream.write(`${lines.join('\n')}\n\n`);
      }
    },
    /** A line that stays above the block (a decision that moved traffic). */
    note(text: string) {
      if (tty && drawn > 0) {
        stream.write(`\u001b[${drawn}F\u001b[0J`);
        drawn = 0;
      }
      stream.write(`${text}\n`);
    },
  };
}

/**
 * `kanary demo`: starts (or reuses) a broker and registry, creates this run's topics, starts
 * router, model worker, evaluator and decision service, starts one rollout per scenario, sends
 * weather traffic with delayed labels, shows progress until every rollout is promoted or rolled
 * back (or the time is up), stops everything it started and writes an HTML report.
 */
export async function runDemo(
  globals: GlobalOptions,
  options: DemoOptions,
  out: Output,
  stream: ProgressStream,
): Promise<DemoResult> {
  const started = Date.now();
  const runId = new Date(started)
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14);
  const scenarios =
    options.candidates === true
      ? [DEMO_CANDIDATES_SCENARIO]
      : DEMO_SCENARIOS.filter(
          (s) => options.models === undefined || options.models.includes(s.model),
        );
  const runDir = join(repositoryRoot(), '.kanary', 'demo', runId);
  await mkdir(runDir, { recursive: true });
  const policies = new Map(scenarios.map((s) => [s.model, scenarioPolicy(s, options)]));
  const segmentFeature = (s: DemoScenario) =>
    policies.get(s.model)?.policy.segments.feature ?? null;

  const { ctx, infra } = await connect(globals, runId, out);
  const admin = ctx.kafka.admin();
  const history = new RolloutHistory();
  let services: ServiceProcess[] = [];
  let view: RolloutView | undefined;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    await admin.connect();
    await ensureTopics(admin, ctx.catalog);
    for (const topic of Object.values(ctx.catalog))
      if (topic.event !== null) await ctx.codec.register(topic);
    out.line(
      `topics and schemas ready (prefix ${ctx.connection.topicPrefix}); starting router, model worker, evaluator and decision service (logs: ${runDir})…`,
    );
    services = await startServices(ctx, scenarios, runDir);
    out.line('services ready');

    let render = (): string[] => [];
    const printer = progressPrinter(stream, () => render());
    const rolloutIds = new Map<string, string>();
    view = new RolloutView(ctx, {
      metrics: true,
      onEvent: (e: ViewEvent) => {
        history.record(e);
        if (e.kind === 'decision') {
          const scenario = scenarios.find((s) => rolloutIds.get(s.model) === e.value.rolloutId);
          if (scenario && e.value.action !== 'HOLD') {
            printer.note(`${scenario.name}: ${e.value.action} — ${firstReason(e.value)}`);
          }
        }
      },
    });
    await view.open();
    const liveView = view;

    const scenarioStart = Date.now();
    for (const s of scenarios) {
      const command = startCommand(
        {
          model: s.model,
          stable: s.stable,
          canary: s.canary,
          candidates: s.candidates,
          rolloutId: `${s.model}-${runId}`,
          policy: policies.get(s.model)!,
          reason: `demo: ${s.name}`,
        },
        liveView.states.get(s.model),
      );
      rolloutIds.set(s.model, command.rolloutId);
      await publishCommand(ctx, command);
    }
    for (const s of scenarios) {
      await liveView.waitForState(
        s.model,
        (st) => st.rolloutId === rolloutIds.get(s.model),
        30_000,
      );
    }
    out.line(
      `rollouts started: ${scenarios.map((s) => `${s.model} (${s.stable} → ${challengersOf(s).join(' | ')})`).join(', ')}; sending ${options.rate} requests/s to each, labels after ~${options.labelDelayMs / 1000} s`,
    );

    render = (): string[] => {
      const now = Date.now();
      return scenarios.flatMap((s) => {
        const rolloutId = rolloutIds.get(s.model) ?? '';
        const state = liveView.states.get(s.model);
        return [
          ...scenarioLines({
            scenario: s,
            state: state?.rolloutId === rolloutId ? state : undefined,
            stable: liveView.metrics.get(`${rolloutId}/${s.stable}`),
            canary: liveView.metrics.get(`${rolloutId}/${s.canary ?? ''}`),
            candidates: new Map(
              (s.candidates ?? []).map((v) => [v, liveView.metrics.get(`${rolloutId}/${v}`)]),
            ),
            decision: liveView.decisions.get(rolloutId),
            segmentFeature: segmentFeature(s),
            startedAt: scenarioStart,
            now,
          }),
          '',
        ];
      });
    };

    const traffic: Array<Promise<TrafficReport>> = scenarios.map((s, i) =>
      runTraffic({
        kafka: ctx.kafka,
        codec: ctx.codec,
        catalog: ctx.catalog,
        logger: ctx.logger,
        model: s.model,
        source: { kind: SourceKind.WEATHER },
        rate: options.rate,
        durationMs: options.timeoutMs,
        users: 5_000,
        seed: options.seed + i,
        runId: `${s.model}-${runId}`,
        labels: {
          seed: options.seed + i,
          delay: exponentialDelay(options.labelDelayMs),
          unlabelledFraction: options.unlabelled,
          waitForLabels: false,
        },
        signal: abort.signal,
      }).catch((error: unknown) => {
        // A traffic source that fails (the broker refused its writes) ends the run: stop the
        // others and the services below, then report the failure.
        abort.abort();
        throw error;
      }),
    );
    // Awaited after the wait below; marked handled now, so that an early failure ends the run
    // through `finally` (stopping the services) rather than as an unhandled rejection.
    for (const t of traffic) t.catch(() => undefined);

    // Until every rollout is finished, the time is up, Ctrl-C, or a service died.
    const deadline = scenarioStart + options.timeoutMs;
    await new Promise<void>((done) => {
      const check = () => {
        const finished = scenarios.every((s) => isTerminal(liveView.states.get(s.model)));
        const dead = services.find((p) => !p.running);
        if (finished || Date.now() > deadline || abort.signal.aborted || dead) {
          clearInterval(timer);
          off();
          if (dead) out.error(dead.failure('stopped unexpectedly').message);
          done();
        } else printer.tick();
      };
      const timer = setInterval(check, 1_000);
      const off = liveView.onChange(() => {
        if (scenarios.every((s) => isTerminal(liveView.states.get(s.model)))) check();
      });
      check();
    });
    printer.tick(true);
    abort.abort();
    const reports = await Promise.all(traffic);
    const ended = Date.now();

    const records: ScenarioRecord[] = scenarios.map((s, i) => {
      const rolloutId = rolloutIds.get(s.model)!;
      const state = liveView.states.get(s.model);
      return {
        ...s,
        rolloutId,
        startedAt: scenarioStart,
        endedAt: ended,
        outcome: state?.rolloutId === rolloutId ? state.phase : 'NOT STARTED',
        states: history.get(rolloutId)?.states ?? [],
        metrics: history.get(rolloutId)?.metrics ?? [],
        decisions: history.get(rolloutId)?.decisions ?? [],
        requests: reports[i]?.requests ?? 0,
        segmentFeature: segmentFeature(s),
        ...(state?.rolloutId === rolloutId && state.candidates.length > 0
          ? {
              finalCandidates: state.candidates.map((c) => ({
                variant: c.variant,
                status: c.status,
              })),
            }
          : {}),
      };
    });
    const reportPath = resolve(options.reportPath ?? join(runDir, 'report.html'));
    await writeFile(
      reportPath,
      renderReport({
        title: 'Kanary demo',
        generatedAt: ended,
        scenarios: records,
        facts: [
          ['run', runId],
          [
            'traffic',
            `${options.rate} requests/s per model, weather rows drawn from the held-out days`,
          ],
          [
            'labels',
            `exponential delay, mean ${options.labelDelayMs / 1000} s; ${Math.round(options.unlabelled * 100)} % never labelled`,
          ],
          ...scenarios.map((s): [string, string] => [
            `policy of ${s.model}`,
            policies.get(s.model)!.text,
          ]),
          [
            'topics',
            `prefix ${ctx.connection.topicPrefix}, ${ctx.connection.dataPartitions} partitions per data topic`,
          ],
        ],
      }),
    );
    return {
      scenarios: records,
      reportPath,
      wallMs: Date.now() - started,
      ok: records.every(demoOutcomeAsExpected),
      finalStates: new Map(liveView.states),
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    abort.abort();
    await view?.close().catch(() => undefined);
    await Promise.all(services.map((p) => p.stop()));
    if (!options.keepTopics) {
      await admin
        .deleteTopics({ topics: Object.values(ctx.catalog).map((t) => t.name) })
        .catch(() => undefined);
    }
    await admin.disconnect().catch(() => undefined);
    await infra?.stop();
  }
}
