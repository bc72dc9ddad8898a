// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type Prediction = DevKanaryV1.Prediction;

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
    export const PredictionSchema = "{\"type\":\"record\",\"name\":\"Prediction\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"A model variant's answer to a routed request, with its measured latency and status.\",\"fields\":[{\"name\":\"requestId\",\"type\":\"string\",\"doc\":\"Id of the original request.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name.\"},{\"name\":\"rolloutId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Rollout the prediction belongs to; null outside a rollout.\"},{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version that answered.\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"},\"doc\":\"Role of the variant in the rollout.\"},{\"name\":\"served\",\"type\":\"boolean\",\"doc\":\"True when this answer was returned to the caller; false for shadow copies.\"},{\"name\":\"output\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Predicted class or numeric value as text; null when the call failed.\"},{\"name\":\"score\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Model score or confidence for the output, when the backend gives one.\"},{\"name\":\"scores\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}],\"default\":null,\"doc\":\"Probability of every class (each in [0, 1], summing to 1), when the model gives them; the evaluator scores them with log-loss and the Brier score against the label. Null for numeric outputs, failed calls and models without probabilities.\"},{\"name\":\"segment\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Segment of the request (for example a region or a season) the rollout's metrics are also judged within; copied from the routed request when the router set it from the rollout's segment feature, or set by the caller. Null: no segment.\"},{\"name\":\"latencyMs\",\"type\":\"double\",\"doc\":\"Measured backend latency in milliseconds.\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"PredictionStatus\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"OK\",\"ERROR\",\"TIMEOUT\"],\"default\":\"ERROR\",\"doc\":\"Outcome of a backend call: OK, ERROR (the backend failed) or TIMEOUT (no answer before the deadline).\"},\"doc\":\"Outcome of the backend call.\"},{\"name\":\"error\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Error text when status is ERROR or TIMEOUT.\"},{\"name\":\"timestamp\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the prediction was made, epoch milliseconds.\"}]}";
    export const PredictionName = "dev.kanary.v1.Prediction";
    /**
     * A model variant's answer to a routed request, with its measured latency and status.
     */
    export interface Prediction {
        /**
         * Id of the original request.
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
         * True when this answer was returned to the caller; false for shadow copies.
         */
        served: boolean;
        /**
         * Predicted class or numeric value as text; null when the call failed.
         *
         * Default: null
         */
        output: null | string;
        /**
         * Model score or confidence for the output, when the backend gives one.
         *
         * Default: null
         */
        score: null | number;
        /**
         * Probability of every class (each in [0, 1], summing to 1), when the model gives them; the evaluator scores them with log-loss and the Brier score against the label. Null for numeric outputs, failed calls and models without probabilities.
         *
         * Default: null
         */
        scores: null | {
            [index: string]: number;
        };
        /**
         * Segment of the request (for example a region or a season) the rollout's metrics are also judged within; copied from the routed request when the router set it from the rollout's segment feature, or set by the caller. Null: no segment.
         *
         * Default: null
         */
        segment: null | string;
        /**
         * Measured backend latency in milliseconds.
         */
        latencyMs: number;
        /**
         * Outcome of the backend call.
         */
        status: DevKanaryV1.PredictionStatus;
        /**
         * Error text when status is ERROR or TIMEOUT.
         *
         * Default: null
         */
        error: null | string;
        /**
         * When the prediction was made, epoch milliseconds.
         */
        timestamp: number;
    }
}

