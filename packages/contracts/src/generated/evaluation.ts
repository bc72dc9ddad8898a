// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type Evaluation = DevKanaryV1.Evaluation;

export namespace DevKanaryV1 {
    export const RoleSchema = "{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"}";
    export const RoleName = "dev.kanary.v1.Role";
    /**
     * Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.
     */
    export type Role = "STABLE" | "CANARY" | "SHADOW";
    export const PredictionStatusSchema = "{\"type\":\"enum\",\"name\":\"PredictionStatus\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"OK\",\"ERROR\",\"TIMEOUT\"],\"default\":\"ERROR\",\"doc\":\"Outcome of a backend call: OK, ERROR (the backend failed) or TIMEOUT (no answer before the deadline).\"}";
    export const PredictionStatusName = "dev.kanary.v1.PredictionStatus";
    /**
     * Outcome of a backend call: OK, ERROR (the backend failed) or TIMEOUT (no answer before the deadline).
     */
    export type PredictionStatus = "OK" | "ERROR" | "TIMEOUT";
    export const EvaluationSchema = "{\"type\":\"record\",\"name\":\"Evaluation\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"One prediction joined with its label.\",\"fields\":[{\"name\":\"requestId\",\"type\":\"string\",\"doc\":\"Id of the request.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name.\"},{\"name\":\"rolloutId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Rollout the prediction belongs to; null outside a rollout.\"},{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version that answered.\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"},\"doc\":\"Role of the variant in the rollout.\"},{\"name\":\"served\",\"type\":\"boolean\",\"doc\":\"True when this answer was returned to the caller.\"},{\"name\":\"correct\",\"type\":\"boolean\",\"doc\":\"Whether the prediction matched the label (within the numeric tolerance for numeric labels); false for failed calls.\"},{\"name\":\"absError\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Absolute error for numeric labels; null for classes and failed calls.\"},{\"name\":\"logLoss\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"\u2212ln p(label) from the prediction's class probabilities, p clipped to [1e-4, 1] (so at most 9.21); null without probabilities or for failed calls.\"},{\"name\":\"brier\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Multi-class Brier score \u03A3_k (p_k \u2212 [k = label])\u00B2, in [0, 2]; null without probabilities or for failed calls.\"},{\"name\":\"latencyMs\",\"type\":\"double\",\"doc\":\"Measured backend latency in milliseconds.\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"PredictionStatus\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"OK\",\"ERROR\",\"TIMEOUT\"],\"default\":\"ERROR\",\"doc\":\"Outcome of a backend call: OK, ERROR (the backend failed) or TIMEOUT (no answer before the deadline).\"},\"doc\":\"Outcome of the backend call.\"},{\"name\":\"predictedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the prediction was made, epoch milliseconds.\"},{\"name\":\"labeledAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the label was observed, epoch milliseconds.\"},{\"name\":\"segment\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Segment of the prediction; null: none.\"},{\"name\":\"outcomes\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}],\"default\":null,\"doc\":\"The label's named numeric outcomes; null: none.\"}]}";
    export const EvaluationName = "dev.kanary.v1.Evaluation";
    /**
     * One prediction joined with its label.
     */
    export interface Evaluation {
        /**
         * Id of the request.
         */
        requestId: string;
        /**
         * Logical model name.
         */
        model: string;
        /**
         * Rollout the prediction belongs to; null outside a rollout.
         *
         * Default: null
         */
        rolloutId: null | string;
        /**
         * Model version that answered.
         */
        variant: string;
        /**
         * Role of the variant in the rollout.
         */
        role: DevKanaryV1.Role;
        /**
         * True when this answer was returned to the caller.
         */
        served: boolean;
        /**
         * Whether the prediction matched the label (within the numeric tolerance for numeric labels); false for failed calls.
         */
        correct: boolean;
        /**
         * Absolute error for numeric labels; null for classes and failed calls.
         *
         * Default: null
         */
        absError: null | number;
        /**
         * −ln p(label) from the prediction's class probabilities, p clipped to [1e-4, 1] (so at most 9.21); null without probabilities or for failed calls.
         *
         * Default: null
         */
        logLoss: null | number;
        /**
         * Multi-class Brier score Σ_k (p_k − [k = label])², in [0, 2]; null without probabilities or for failed calls.
         *
         * Default: null
         */
        brier: null | number;
        /**
         * Measured backend latency in milliseconds.
         */
        latencyMs: number;
        /**
         * Outcome of the backend call.
         */
        status: DevKanaryV1.PredictionStatus;
        /**
         * When the prediction was made, epoch milliseconds.
         */
        predictedAt: number;
        /**
         * When the label was observed, epoch milliseconds.
         */
        labeledAt: number;
        /**
         * Segment of the prediction; null: none.
         *
         * Default: null
         */
        segment: null | string;
        /**
         * The label's named numeric outcomes; null: none.
         *
         * Default: null
         */
        outcomes: null | {
            [index: string]: number;
        };
    }
}

