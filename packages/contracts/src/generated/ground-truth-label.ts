// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type GroundTruthLabel = DevKanaryV1.GroundTruthLabel;

export namespace DevKanaryV1 {
    export const GroundTruthLabelSchema = "{\"type\":\"record\",\"name\":\"GroundTruthLabel\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"The true outcome for a request, arriving seconds to days after the prediction.\",\"fields\":[{\"name\":\"requestId\",\"type\":\"string\",\"doc\":\"Id of the request the label belongs to.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name.\"},{\"name\":\"label\",\"type\":\"string\",\"doc\":\"True class, or a numeric value as text.\"},{\"name\":\"timestamp\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the label was observed, epoch milliseconds.\"},{\"name\":\"outcomes\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}],\"default\":null,\"doc\":\"Named numeric outcomes observed for the request (for example revenue, clicks, watch time); each is judged as a mean per arm. Null: none.\"}]}";
    export const GroundTruthLabelName = "dev.kanary.v1.GroundTruthLabel";
    /**
     * The true outcome for a request, arriving seconds to days after the prediction.
     */
    export interface GroundTruthLabel {
        /**
         * Id of the request the label belongs to.
         */
        requestId: string;
        /**
         * Logical model name.
         */
        model: string;
        /**
         * True class, or a numeric value as text.
         */
        label: string;
        /**
         * When the label was observed, epoch milliseconds.
         */
        timestamp: number;
        /**
         * Named numeric outcomes observed for the request (for example revenue, clicks, watch time); each is judged as a mean per arm. Null: none.
         *
         * Default: null
         */
        outcomes: null | {
            [index: string]: number;
        };
    }
}

