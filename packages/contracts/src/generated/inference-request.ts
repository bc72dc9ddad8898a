// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type InferenceRequest = DevKanaryV1.InferenceRequest;

export namespace DevKanaryV1 {
    export const InferenceRequestSchema = "{\"type\":\"record\",\"name\":\"InferenceRequest\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"An inference request entering Kanary, before it is routed to a variant.\",\"fields\":[{\"name\":\"requestId\",\"type\":\"string\",\"doc\":\"Unique id of the request; the Kafka key and the join key for labels.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name the request is for (a rollout is per model).\"},{\"name\":\"routingKey\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Sticky routing key (for example a user id); when null the requestId is used.\"},{\"name\":\"features\",\"type\":\"string\",\"doc\":\"Model input as JSON text; Kanary does not interpret it.\"},{\"name\":\"timestamp\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the request was made, epoch milliseconds.\"}]}";
    export const InferenceRequestName = "dev.kanary.v1.InferenceRequest";
    /**
     * An inference request entering Kanary, before it is routed to a variant.
     */
    export interface InferenceRequest {
        /**
         * Unique id of the request; the Kafka key and the join key for labels.
         */
        requestId: string;
        /**
         * Logical model name the request is for (a rollout is per model).
         */
        model: string;
        /**
         * Sticky routing key (for example a user id); when null the requestId is used.
         *
         * Default: null
         */
        routingKey: null | string;
        /**
         * Model input as JSON text; Kanary does not interpret it.
         */
        features: string;
        /**
         * When the request was made, epoch milliseconds.
         */
        timestamp: number;
    }
}

