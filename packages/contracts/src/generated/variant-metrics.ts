// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type VariantMetrics = DevKanaryV1.VariantMetrics;

export namespace DevKanaryV1 {
    export const RoleSchema = "{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"}";
    export const RoleName = "dev.kanary.v1.Role";
    /**
     * Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.
     */
    export type Role = "STABLE" | "CANARY" | "SHADOW";
    export const SegmentMetricsSchema = "{\"type\":\"record\",\"name\":\"SegmentMetrics\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Accuracy of one segment of a variant's labelled predictions.\",\"fields\":[{\"name\":\"segment\",\"type\":\"string\",\"doc\":\"Segment name.\"},{\"name\":\"labelled\",\"type\":\"long\",\"doc\":\"Labelled predictions of the segment.\"},{\"name\":\"correct\",\"type\":\"long\",\"doc\":\"Correct among them.\"},{\"name\":\"accuracy\",\"type\":[\"null\",\"double\"],\"doc\":\"correct / labelled; null when nothing is labelled.\",\"default\":null}]}";
    export const SegmentMetricsName = "dev.kanary.v1.SegmentMetrics";
    /**
     * Accuracy of one segment of a variant's labelled predictions.
     */
    export interface SegmentMetrics {
        /**
         * Segment name.
         */
        segment: string;
        /**
         * Labelled predictions of the segment.
         */
        labelled: number;
        /**
         * Correct among them.
         */
        correct: number;
        /**
         * correct / labelled; null when nothing is labelled.
         *
         * Default: null
         */
        accuracy: null | number;
    }
    export const VariantMetricsSchema = "{\"type\":\"record\",\"name\":\"VariantMetrics\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Periodic cumulative snapshot of one variant's metrics within a rollout, for dashboards.\",\"fields\":[{\"name\":\"rolloutId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Rollout the metrics belong to; null outside a rollout.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name.\"},{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version.\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"},\"doc\":\"Role of the variant in the rollout.\"},{\"name\":\"predictions\",\"type\":\"long\",\"doc\":\"Predictions seen by this evaluator instance.\"},{\"name\":\"labelled\",\"type\":\"long\",\"doc\":\"Predictions joined with a label.\"},{\"name\":\"correct\",\"type\":\"long\",\"doc\":\"Joined predictions that were correct.\"},{\"name\":\"accuracy\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"correct / labelled; null when nothing is labelled.\"},{\"name\":\"meanAbsError\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Mean absolute error over numeric labels; null when none.\"},{\"name\":\"rootMeanSquaredError\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Root mean squared error over numeric labels; null when none.\"},{\"name\":\"logLoss\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Mean log-loss over labelled predictions with class probabilities; null when none.\"},{\"name\":\"brier\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Mean Brier score over labelled predictions with class probabilities; null when none.\"},{\"name\":\"outcomes\",\"type\":{\"type\":\"map\",\"values\":\"double\"},\"default\":{},\"doc\":\"Mean of each named outcome over labelled predictions that carry it.\"},{\"name\":\"segments\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"SegmentMetrics\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Accuracy of one segment of a variant's labelled predictions.\",\"fields\":[{\"name\":\"segment\",\"type\":\"string\",\"doc\":\"Segment name.\"},{\"name\":\"labelled\",\"type\":\"long\",\"doc\":\"Labelled predictions of the segment.\"},{\"name\":\"correct\",\"type\":\"long\",\"doc\":\"Correct among them.\"},{\"name\":\"accuracy\",\"type\":[\"null\",\"double\"],\"doc\":\"correct / labelled; null when nothing is labelled.\",\"default\":null}]}},\"default\":[],\"doc\":\"Per-segment accuracy, for predictions that carry a segment.\"},{\"name\":\"errors\",\"type\":\"long\",\"doc\":\"Joined predictions with status ERROR.\"},{\"name\":\"timeouts\",\"type\":\"long\",\"doc\":\"Joined predictions with status TIMEOUT.\"},{\"name\":\"errorRate\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"(errors + timeouts) / labelled; null when nothing is labelled.\"},{\"name\":\"latencyP50\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Median latency in milliseconds, from a mergeable sketch.\"},{\"name\":\"latencyP95\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"95th percentile latency in milliseconds, from a mergeable sketch.\"},{\"name\":\"latencyP99\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"99th percentile latency in milliseconds, from a mergeable sketch.\"},{\"name\":\"expiredPredictions\",\"type\":\"long\",\"doc\":\"Predictions that waited longer than the TTL without a label.\"},{\"name\":\"pending\",\"type\":\"long\",\"doc\":\"Predictions waiting for a label.\"},{\"name\":\"labelCoverage\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"labelled / (labelled + expiredPredictions); null when both are zero.\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the snapshot was taken, epoch milliseconds.\"}]}";
    export const VariantMetricsName = "dev.kanary.v1.VariantMetrics";
    /**
     * Periodic cumulative snapshot of one variant's metrics within a rollout, for dashboards.
     */
    export interface VariantMetrics {
        /**
         * Rollout the metrics belong to; null outside a rollout.
         *
         * Default: null
         */
        rolloutId: null | string;
        /**
         * Logical model name.
         */
        model: string;
        /**
         * Model version.
         */
        variant: string;
        /**
         * Role of the variant in the rollout.
         */
        role: DevKanaryV1.Role;
        /**
         * Predictions seen by this evaluator instance.
         */
        predictions: number;
        /**
         * Predictions joined with a label.
         */
        labelled: number;
        /**
         * Joined predictions that were correct.
         */
        correct: number;
        /**
         * correct / labelled; null when nothing is labelled.
         *
         * Default: null
         */
        accuracy: null | number;
        /**
         * Mean absolute error over numeric labels; null when none.
         *
         * Default: null
         */
        meanAbsError: null | number;
        /**
         * Root mean squared error over numeric labels; null when none.
         *
         * Default: null
         */
        rootMeanSquaredError: null | number;
        /**
         * Mean log-loss over labelled predictions with class probabilities; null when none.
         *
         * Default: null
         */
        logLoss: null | number;
        /**
         * Mean Brier score over labelled predictions with class probabilities; null when none.
         *
         * Default: null
         */
        brier: null | number;
        /**
         * Mean of each named outcome over labelled predictions that carry it.
         *
         * Default: {}
         */
        outcomes: {
            [index: string]: number;
        };
        /**
         * Per-segment accuracy, for predictions that carry a segment.
         *
         * Default: []
         */
        segments: DevKanaryV1.SegmentMetrics[];
        /**
         * Joined predictions with status ERROR.
         */
        errors: number;
        /**
         * Joined predictions with status TIMEOUT.
         */
        timeouts: number;
        /**
         * (errors + timeouts) / labelled; null when nothing is labelled.
         *
         * Default: null
         */
        errorRate: null | number;
        /**
         * Median latency in milliseconds, from a mergeable sketch.
         *
         * Default: null
         */
        latencyP50: null | number;
        /**
         * 95th percentile latency in milliseconds, from a mergeable sketch.
         *
         * Default: null
         */
        latencyP95: null | number;
        /**
         * 99th percentile latency in milliseconds, from a mergeable sketch.
         *
         * Default: null
         */
        latencyP99: null | number;
        /**
         * Predictions that waited longer than the TTL without a label.
         */
        expiredPredictions: number;
        /**
         * Predictions waiting for a label.
         */
        pending: number;
        /**
         * labelled / (labelled + expiredPredictions); null when both are zero.
         *
         * Default: null
         */
        labelCoverage: null | number;
        /**
         * When the snapshot was taken, epoch milliseconds.
         */
        at: number;
    }
}

