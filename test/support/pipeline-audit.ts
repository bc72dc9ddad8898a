import type {
  Evaluation,
  GroundTruthLabel,
  InferenceRequest,
  Prediction,
  RolloutState,
  RoutedRequest,
} from '@kanary/contracts';
import { readCommitted, readCommittedEvents } from './committed-records.js';
import { auditExactlyOnce, exactlyOnce, type ExactlyOnceAudit } from './exactly-once-audit.js';
import type { ServicePipeline } from './service-pipeline.js';

/** The committed records of a pipeline's data topics. */
export interface PipelineRecords {
  readonly requests: readonly InferenceRequest[];
  readonly routed: readonly RoutedRequest[];
  readonly predictions: readonly Prediction[];
  readonly labels: readonly GroundTruthLabel[];
  readonly evaluations: readonly Evaluation[];
  readonly states: readonly RolloutState[];
  readonly deadLetters: number;
}

/** Exactly-once audits of every stage, counted by key over the committed outputs. */
export interface PipelineAudit {
  readonly requests: number;
  readonly labels: number;
  /** Served routed records by requestId, against the request ids. */
  readonly routed: ExactlyOnceAudit;
  /** Every routed record (served and shadow copies) by `requestId|variant`: none twice. */
  readonly routedRecords: ExactlyOnceAudit;
  /** Predictions by `requestId|variant`, against the routed records (served and shadow). */
  readonly predictions: ExactlyOnceAudit;
  /** Evaluations by `requestId|variant`, against the predictions of labelled requests. */
  readonly evaluations: ExactlyOnceAudit;
  /** Routing keys served by more than one variant (sticky assignment broken). */
  readonly unstickyKeys: number;
  /** Evaluations whose `correct` disagrees with the prediction and the label. */
  readonly wrongVerdicts: number;
  readonly deadLetters: number;
}

const byVariant = (r: { requestId: string; variant: string }): string =>
  `${r.requestId}|${r.variant}`;

/** Reads every data topic of the pipeline to its end, read_committed. */
export async function readPipeline(pipeline: ServicePipeline): Promise<PipelineRecords> {
  const { kafka, codec, catalog } = pipeline;
  const [requests, routed, predictions, labels, evaluations, states, dead] = await Promise.all([
    readCommittedEvents(kafka, codec, catalog.requests),
    readCommittedEvents(kafka, codec, catalog.routed),
    readCommittedEvents(kafka, codec, catalog.predictions),
    readCommittedEvents(kafka, codec, catalog.labels),
    readCommittedEvents(kafka, codec, catalog.evaluations),
    readCommittedEvents(kafka, codec, catalog.state),
    readCommitted(kafka, catalog.dlq),
  ]);
  return { requests, routed, predictions, labels, evaluations, states, deadLetters: dead.length };
}

/** Counts every stage's committed outputs by identity and checks them against their inputs. */
export function auditPipeline(records: PipelineRecords): PipelineAudit {
  const requestIds = new Set(records.requests.map((r) => r.requestId));
  const served = records.routed.filter((r) => r.served);
  const routedIds = new Set(records.routed.map(byVariant));
  const labelled = new Map(records.labels.map((l) => [l.requestId, l.label]));
  const predicted = new Map(records.predictions.map((p) => [byVariant(p), p]));
  const expectedEvaluations = new Set(
    records.predictions.filter((p) => labelled.has(p.requestId)).map(byVariant),
  );

  const variantsByKey = new Map<string, Set<string>>();
  for (const r of served) {
    const key = r.routingKey ?? r.requestId;
    let variants = variantsByKey.get(key);
    if (variants === undefined) variantsByKey.set(key, (variants = new Set()));
    variants.add(r.variant);
  }
  let wrongVerdicts = 0;
  for (const e of records.evaluations) {
    const prediction = predicted.get(byVariant(e));
    const label = labelled.get(e.requestId);
    const right = prediction?.status === 'OK' && prediction.output === label;
    if (e.correct !== right) wrongVerdicts += 1;
  }
  return {
    requests: requestIds.size,
    labels: records.labels.length,
    routed: auditExactlyOnce(
      served.map((r) => r.requestId),
      requestIds,
    ),
    routedRecords: auditExactlyOnce(records.routed.map(byVariant), routedIds),
    predictions: auditExactlyOnce(records.predictions.map(byVariant), routedIds),
    evaluations: auditExactlyOnce(records.evaluations.map(byVariant), expectedEvaluations),
    unstickyKeys: [...variantsByKey.values()].filter((v) => v.size > 1).length,
    wrongVerdicts,
    deadLetters: records.deadLetters,
  };
}

/**
 * What is wrong with a run of `requests` requests, each labelled and routed to one variant:
 * every stage must hold exactly `requests` records, one per request (and variant), consistent
 * with each other, and nothing dead-lettered. Empty when the run was exactly once.
 */
export function exactlyOnceProblems(audit: PipelineAudit, requests: number): string[] {
  const problems: string[] = [];
  const expectEqual = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`${what}: ${JSON.stringify(actual)}`);
    }
  };
  expectEqual('requests', audit.requests, requests);
  expectEqual('labels', audit.labels, requests);
  expectEqual('served routed records', audit.routed, exactlyOnce(requests));
  expectEqual('routed records', audit.routedRecords, exactlyOnce(requests));
  expectEqual('predictions', audit.predictions, exactlyOnce(requests));
  expectEqual('evaluations', audit.evaluations, exactlyOnce(requests));
  expectEqual('routing keys served by two variants', audit.unstickyKeys, 0);
  expectEqual('evaluations contradicting prediction and label', audit.wrongVerdicts, 0);
  expectEqual('dead letters', audit.deadLetters, 0);
  return problems;
}
