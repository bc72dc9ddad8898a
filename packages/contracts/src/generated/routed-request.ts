// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type RoutedRequest = DevKanaryV1.RoutedRequest;

export namespace DevKanaryV1 {
    export const RoleSchema = "{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"}";
    export const RoleName = "dev.kanary.v1.Role";
    /**
     * Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.
     */
    export type Role = "STABLE" | "CANARY" | "SHADOW";
    export const DispatchSchema = "{\"type\":\"enum\",\"name\":\"Dispatch\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"WORKER\",\"CALLER\"],\"default\":\"WORKER\",\"doc\":\"Who answers a routed request: WORKER, the model workers that run its variant (requests routed from the Kafka ingress); CALLER, the platform that asked the router over HTTP (POST /v1/assign), which serves the request itself and publishes the Prediction.\"}";
    export const DispatchName = "dev.kanary.v1.Dispatch";
    /**
     * Who answers a routed request: WORKER, the model workers that run its variant (requests routed from the Kafka ingress); CALLER, the platform that asked the router over HTTP (POST /v1/assign), which serves the request itself and publishes the Prediction.
     */
    export type Dispatch = "WORKER" | "CALLER";
    export const RoutedRequestSchema = "{\"type\":\"record\",\"name\":\"RoutedRequest\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"A request tagged with the variant that must answer it. One served record per request, plus one per shadow variant.\",\"fields\":[{\"name\":\"requestId\",\"type\":\"string\",\"doc\":\"Id of the original request.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name.\"},{\"name\":\"routingKey\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Routing key used for the sticky assignment (null when the requestId was used).\"},{\"name\":\"features\",\"type\":\"string\",\"doc\":\"Model input as JSON text, copied from the request.\"},{\"name\":\"timestamp\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the original request was made, epoch milliseconds.\"},{\"name\":\"rolloutId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Rollout the assignment belongs to; null when the model has no rollout.\"},{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version that must answer.\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"Role\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"STABLE\",\"CANARY\",\"SHADOW\"],\"default\":\"STABLE\",\"doc\":\"Part a variant plays in a rollout: STABLE serves the baseline, CANARY serves a share of traffic, SHADOW receives copies and serves nobody.\"},\"doc\":\"Role of the variant in the rollout.\"},{\"name\":\"served\",\"type\":\"boolean\",\"doc\":\"True when this variant's answer is returned to the caller; false for shadow copies.\"},{\"name\":\"routedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the router assigned the request, epoch milliseconds.\"},{\"name\":\"dispatch\",\"type\":{\"type\":\"enum\",\"name\":\"Dispatch\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"WORKER\",\"CALLER\"],\"default\":\"WORKER\",\"doc\":\"Who answers a routed request: WORKER, the model workers that run its variant (requests routed from the Kafka ingress); CALLER, the platform that asked the router over HTTP (POST /v1/assign), which serves the request itself and publishes the Prediction.\"},\"default\":\"WORKER\",\"doc\":\"Who publishes this record's Prediction. Model workers answer WORKER records only. Records written before the field existed read as WORKER.\"},{\"name\":\"segment\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Segment of the request, taken from the feature the rollout's policy names (segments.feature); null when the policy names none or the request lacks it.\"}]}";
    export const RoutedRequestName = "dev.kanary.v1.RoutedRequest";
    /**
     * A request tagged with the variant that must answer it. One served record per request, plus one per shadow variant.
     */
    export interface RoutedRequest {
        /**
         * Id of the original request.
         */
        requestId: string;
        /**
         * Logical model name.
         */
        model: string;
        /**
         * Routing key used for the sticky assignment (null when the requestId was used).
         *
         * Default: null
         */
        routingKey: null | string;
        /**
         * Model input as JSON text, copied from the request.
         */
        features: string;
        /**
         * When the original request was made, epoch milliseconds.
         */
        timestamp: number;
        /**
         * Rollout the assignment belongs to; null when the model has no rollout.
         *
         * Default: null
         */
        rolloutId: null | string;
        /**
         * Model version that must answer.
         */
        variant: string;
        /**
         * Role of the variant in the rollout.
         */
        role: DevKanaryV1.Role;
        /**
         * True when this variant's answer is returned to the caller; false for shadow copies.
         */
        served: boolean;
        /**
         * When the router assigned the request, epoch milliseconds.
         */
        routedAt: number;
        /**
         * Who publishes this record's Prediction. Model workers answer WORKER records only. Records written before the field existed read as WORKER.
         *
         * Default: "WORKER"
         */
        dispatch: DevKanaryV1.Dispatch;
        /**
         * Segment of the request, taken from the feature the rollout's policy names (segments.feature); null when the policy names none or the request lacks it.
         *
         * Default: null
         */
        segment: null | string;
    }
}

