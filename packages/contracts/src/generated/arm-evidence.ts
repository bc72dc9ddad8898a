// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type ArmEvidence = DevKanaryV1.ArmEvidence;

export namespace DevKanaryV1 {
    export const RoleSchema = "{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"}";
    export const RoleName = "dev.kanary.v1.Role";
    /**
     * Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.
     */
    export type Role = "STABLE" | "CANARY" | "SHADOW";
    export const MeanEvidenceSchema = "{\"type\":\"record\",\"name\":\"MeanEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Mergeable moments of one mean-based metric over labelled evaluations: count, sum and sum of squares.\",\"fields\":[{\"name\":\"metric\",\"type\":\"string\",\"doc\":\"squaredError, logLoss, brier, outcome:<name> (and absError within segments).\"},{\"name\":\"n\",\"type\":\"long\",\"doc\":\"Labelled evaluations with a value of the metric.\"},{\"name\":\"sum\",\"type\":\"double\",\"doc\":\"Sum of the values.\"},{\"name\":\"squares\",\"type\":\"double\",\"doc\":\"Sum of the squared values.\"}]}";
    export const MeanEvidenceName = "dev.kanary.v1.MeanEvidence";
    /**
     * Mergeable moments of one mean-based metric over labelled evaluations: count, sum and sum of squares.
     */
    export interface MeanEvidence {
        /**
         * squaredError, logLoss, brier, outcome:<name> (and absError within segments).
         */
        metric: string;
        /**
         * Labelled evaluations with a value of the metric.
         */
        n: number;
        /**
         * Sum of the values.
         */
        sum: number;
        /**
         * Sum of the squared values.
         */
        squares: number;
    }
    export const SegmentEvidenceSchema = "{\"type\":\"record\",\"name\":\"SegmentEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"The counts of one segment of an arm's labelled evaluations.\",\"fields\":[{\"name\":\"segment\",\"type\":\"string\",\"doc\":\"Segment name.\"},{\"name\":\"labelled\",\"type\":\"long\",\"doc\":\"Labelled evaluations of the segment.\"},{\"name\":\"correct\",\"type\":\"long\",\"doc\":\"Correct among them.\"},{\"name\":\"errors\",\"type\":\"long\",\"doc\":\"ERROR or TIMEOUT among them.\"},{\"name\":\"means\",\"type\":{\"type\":\"array\",\"items\":\"dev.kanary.v1.MeanEvidence\"},\"doc\":\"Mean-based metrics of the segment (absError included).\"}]}";
    export const SegmentEvidenceName = "dev.kanary.v1.SegmentEvidence";
    /**
     * The counts of one segment of an arm's labelled evaluations.
     */
    export interface SegmentEvidence {
        /**
         * Segment name.
         */
        segment: string;
        /**
         * Labelled evaluations of the segment.
         */
        labelled: number;
        /**
         * Correct among them.
         */
        correct: number;
        /**
         * ERROR or TIMEOUT among them.
         */
        errors: number;
        /**
         * Mean-based metrics of the segment (absError included).
         */
        means: DevKanaryV1.MeanEvidence[];
    }
    export const ArmEvidenceSchema = "{\"type\":\"record\",\"name\":\"ArmEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Mergeable evidence of one arm of one rollout over one event-time bucket, as folded by the evaluator from ONE source partition of the data topics (inference.routed, inference.predictions, labels). Keyed `<rolloutId>/<variant>/<role>/<served>/<bucketStart>/<sourcePartition>` on a compacted topic: each source partition owns its records, a restart rewrites the same keys, and readers sum over partitions. A record with an empty rolloutId carries only its source partition's watermark.\",\"fields\":[{\"name\":\"sourcePartition\",\"type\":\"int\",\"doc\":\"Partition of the data topics this record summarises.\"},{\"name\":\"sourcePartitions\",\"type\":\"int\",\"doc\":\"Partitions of the data topics when it was written (readers need every partition's watermark).\"},{\"name\":\"watermark\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"Event time up to which the source partition's inputs had been processed when this was written (epoch ms).\"},{\"name\":\"rolloutId\",\"type\":\"string\",\"doc\":\"Rollout the counts belong to; empty for a watermark-only record.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name; empty for a watermark-only record.\"},{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version of the arm.\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"},\"doc\":\"Role of the arm's requests.\"},{\"name\":\"served\",\"type\":\"boolean\",\"doc\":\"True for served requests, false for shadow copies.\"},{\"name\":\"bucketStart\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"Start of the event-time bucket (routedAt for routed requests, predictedAt for evaluations), epoch ms.\"},{\"name\":\"bucketMs\",\"type\":\"long\",\"doc\":\"Width of the bucket in ms (from the rollout's label maturity window).\"},{\"name\":\"maturityMs\",\"type\":\"long\",\"doc\":\"The label maturity window the counts were folded with: labels later than this after their prediction are counted in lateLabels only.\"},{\"name\":\"routed\",\"type\":\"long\",\"doc\":\"Routed requests of the arm in the bucket.\"},{\"name\":\"labelled\",\"type\":\"long\",\"doc\":\"Evaluations whose label arrived within maturityMs of the prediction.\"},{\"name\":\"correct\",\"type\":\"long\",\"doc\":\"Correct among labelled.\"},{\"name\":\"errors\",\"type\":\"long\",\"doc\":\"ERROR or TIMEOUT among labelled.\"},{\"name\":\"absErrorSum\",\"type\":\"double\",\"doc\":\"Sum of absolute errors over labelled evaluations with a numeric label.\"},{\"name\":\"absErrorSquares\",\"type\":\"double\",\"doc\":\"Sum of squared absolute errors over the same evaluations.\"},{\"name\":\"numeric\",\"type\":\"long\",\"doc\":\"Labelled evaluations with a numeric label (the count behind absErrorSum).\"},{\"name\":\"lateLabels\",\"type\":\"long\",\"doc\":\"Evaluations whose label arrived after maturityMs (not in labelled).\"},{\"name\":\"units\",\"type\":\"long\",\"doc\":\"Routed served requests of the arm that are new assignment units: a request without a routing key, or the first request of a routing key since the rollout's state last changed, counted on the one source partition that owns the key (a hash of it), so that a key is counted once whatever partitions its requests land on. For the sample-ratio check.\"},{\"name\":\"outputPairs\",\"type\":\"long\",\"doc\":\"Shadow arms: requests whose stable answer and this shadow copy's answer were both seen (label-free agreement).\"},{\"name\":\"outputDisagreements\",\"type\":\"long\",\"doc\":\"Among outputPairs, those whose outputs differ (a failed answer counts as no output).\"},{\"name\":\"labelledPairs\",\"type\":\"long\",\"doc\":\"Shadow arms: requests whose stable answer and this shadow copy's answer were both labelled within maturityMs.\"},{\"name\":\"shadowOnlyCorrect\",\"type\":\"long\",\"doc\":\"Among labelledPairs, the shadow copy correct and the stable answer wrong.\"},{\"name\":\"stableOnlyCorrect\",\"type\":\"long\",\"doc\":\"Among labelledPairs, the stable answer correct and the shadow copy wrong.\"},{\"name\":\"means\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"MeanEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Mergeable moments of one mean-based metric over labelled evaluations: count, sum and sum of squares.\",\"fields\":[{\"name\":\"metric\",\"type\":\"string\",\"doc\":\"squaredError, logLoss, brier, outcome:<name> (and absError within segments).\"},{\"name\":\"n\",\"type\":\"long\",\"doc\":\"Labelled evaluations with a value of the metric.\"},{\"name\":\"sum\",\"type\":\"double\",\"doc\":\"Sum of the values.\"},{\"name\":\"squares\",\"type\":\"double\",\"doc\":\"Sum of the squared values.\"}]}},\"default\":[],\"doc\":\"Mean-based metrics besides absolute error (absErrorSum/absErrorSquares): squared error, log-loss, Brier score, named outcomes.\"},{\"name\":\"segments\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"SegmentEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"The counts of one segment of an arm's labelled evaluations.\",\"fields\":[{\"name\":\"segment\",\"type\":\"string\",\"doc\":\"Segment name.\"},{\"name\":\"labelled\",\"type\":\"long\",\"doc\":\"Labelled evaluations of the segment.\"},{\"name\":\"correct\",\"type\":\"long\",\"doc\":\"Correct among them.\"},{\"name\":\"errors\",\"type\":\"long\",\"doc\":\"ERROR or TIMEOUT among them.\"},{\"name\":\"means\",\"type\":{\"type\":\"array\",\"items\":\"dev.kanary.v1.MeanEvidence\"},\"doc\":\"Mean-based metrics of the segment (absError included).\"}]}},\"default\":[],\"doc\":\"Per-segment counts of the labelled evaluations that carry a segment.\"},{\"name\":\"latencyAccuracy\",\"type\":\"double\",\"doc\":\"Relative accuracy of the latency sketch (DDSketch, logarithmic bins).\"},{\"name\":\"latencyZeros\",\"type\":\"long\",\"doc\":\"Labelled evaluations with latency 0.\"},{\"name\":\"latencyBins\",\"type\":{\"type\":\"array\",\"items\":\"long\"},\"doc\":\"Latency sketch of the labelled evaluations: non-empty positive bins as [key, count, \u0394key, count, \u2026] in ascending key order.\"},{\"name\":\"updatedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the evaluator wrote this version, epoch ms.\"}]}";
    export const ArmEvidenceName = "dev.kanary.v1.ArmEvidence";
    /**
     * Mergeable evidence of one arm of one rollout over one event-time bucket, as folded by the evaluator from ONE source partition of the data topics (inference.routed, inference.predictions, labels). Keyed `<rolloutId>/<variant>/<role>/<served>/<bucketStart>/<sourcePartition>` on a compacted topic: each source partition owns its records, a restart rewrites the same keys, and readers sum over partitions. A record with an empty rolloutId carries only its source partition's watermark.
     */
    export interface ArmEvidence {
        /**
         * Partition of the data topics this record summarises.
         */
        sourcePartition: number;
        /**
         * Partitions of the data topics when it was written (readers need every partition's watermark).
         */
        sourcePartitions: number;
        /**
         * Event time up to which the source partition's inputs had been processed when this was written (epoch ms).
         */
        watermark: number;
        /**
         * Rollout the counts belong to; empty for a watermark-only record.
         */
        rolloutId: string;
        /**
         * Logical model name; empty for a watermark-only record.
         */
        model: string;
        /**
         * Model version of the arm.
         */
        variant: string;
        /**
         * Role of the arm's requests.
         */
        role: DevKanaryV1.Role;
        /**
         * True for served requests, false for shadow copies.
         */
        served: boolean;
        /**
         * Start of the event-time bucket (routedAt for routed requests, predictedAt for evaluations), epoch ms.
         */
        bucketStart: number;
        /**
         * Width of the bucket in ms (from the rollout's label maturity window).
         */
        bucketMs: number;
        /**
         * The label maturity window the counts were folded with: labels later than this after their prediction are counted in lateLabels only.
         */
        maturityMs: number;
        /**
         * Routed requests of the arm in the bucket.
         */
        routed: number;
        /**
         * Evaluations whose label arrived within maturityMs of the prediction.
         */
        labelled: number;
        /**
         * Correct among labelled.
         */
        correct: number;
        /**
         * ERROR or TIMEOUT among labelled.
         */
        errors: number;
        /**
         * Sum of absolute errors over labelled evaluations with a numeric label.
         */
        absErrorSum: number;
        /**
         * Sum of squared absolute errors over the same evaluations.
         */
        absErrorSquares: number;
        /**
         * Labelled evaluations with a numeric label (the count behind absErrorSum).
         */
        numeric: number;
        /**
         * Evaluations whose label arrived after maturityMs (not in labelled).
         */
        lateLabels: number;
        /**
         * Routed served requests of the arm that are new assignment units: a request without a routing key, or the first request of a routing key since the rollout's state last changed, counted on the one source partition that owns the key (a hash of it), so that a key is counted once whatever partitions its requests land on. For the sample-ratio check.
         */
        units: number;
        /**
         * Shadow arms: requests whose stable answer and this shadow copy's answer were both seen (label-free agreement).
         */
        outputPairs: number;
        /**
         * Among outputPairs, those whose outputs differ (a failed answer counts as no output).
         */
        outputDisagreements: number;
        /**
         * Shadow arms: requests whose stable answer and this shadow copy's answer were both labelled within maturityMs.
         */
        labelledPairs: number;
        /**
         * Among labelledPairs, the shadow copy correct and the stable answer wrong.
         */
        shadowOnlyCorrect: number;
        /**
         * Among labelledPairs, the stable answer correct and the shadow copy wrong.
         */
        stableOnlyCorrect: number;
        /**
         * Mean-based metrics besides absolute error (absErrorSum/absErrorSquares): squared error, log-loss, Brier score, named outcomes.
         *
         * Default: []
         */
        means: DevKanaryV1.MeanEvidence[];
        /**
         * Per-segment counts of the labelled evaluations that carry a segment.
         *
         * Default: []
         */
        segments: DevKanaryV1.SegmentEvidence[];
        /**
         * Relative accuracy of the latency sketch (DDSketch, logarithmic bins).
         */
        latencyAccuracy: number;
        /**
         * Labelled evaluations with latency 0.
         */
        latencyZeros: number;
        /**
         * Latency sketch of the labelled evaluations: non-empty positive bins as [key, count, Δkey, count, …] in ascending key order.
         */
        latencyBins: number[];
        /**
         * When the evaluator wrote this version, epoch ms.
         */
        updatedAt: number;
    }
}

