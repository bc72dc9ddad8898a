// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type RolloutCommand = DevKanaryV1.RolloutCommand;

export namespace DevKanaryV1 {
    export const RolloutActionSchema = "{\"type\":\"enum\",\"name\":\"RolloutAction\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"START\",\"SET_WEIGHT\",\"PROMOTE\",\"ROLLBACK\",\"PAUSE\",\"RESUME\",\"APPROVE\"],\"default\":\"PAUSE\",\"doc\":\"Command verbs understood by the router's rollout state machine.\"}";
    export const RolloutActionName = "dev.kanary.v1.RolloutAction";
    /**
     * Command verbs understood by the router's rollout state machine.
     */
    export type RolloutAction = "START" | "SET_WEIGHT" | "PROMOTE" | "ROLLBACK" | "PAUSE" | "RESUME" | "APPROVE";
    export const IssuedBySchema = "{\"type\":\"enum\",\"name\":\"IssuedBy\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"DECISION\",\"OPERATOR\"],\"default\":\"OPERATOR\",\"doc\":\"Who issued a command: the decision service or a human operator.\"}";
    export const IssuedByName = "dev.kanary.v1.IssuedBy";
    /**
     * Who issued a command: the decision service or a human operator.
     */
    export type IssuedBy = "DECISION" | "OPERATOR";
    export const RolloutCommandSchema = "{\"type\":\"record\",\"name\":\"RolloutCommand\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"A request to change a model's rollout, applied by the router's state machine.\",\"fields\":[{\"name\":\"commandId\",\"type\":\"string\",\"doc\":\"Unique id; applying the same command twice is a no-op.\"},{\"name\":\"rolloutId\",\"type\":\"string\",\"doc\":\"Rollout the command is for; START introduces a new one.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name; the Kafka key, so a model's commands are totally ordered.\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"RolloutAction\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"START\",\"SET_WEIGHT\",\"PROMOTE\",\"ROLLBACK\",\"PAUSE\",\"RESUME\",\"APPROVE\"],\"default\":\"PAUSE\",\"doc\":\"Command verbs understood by the router's rollout state machine.\"},\"doc\":\"What to do.\"},{\"name\":\"stable\",\"type\":\"string\",\"doc\":\"Stable variant (on START; echoed on other commands).\"},{\"name\":\"canary\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Canary variant (on START). In an A/B/n rollout, the candidate a SET_WEIGHT, PROMOTE or ROLLBACK is for (a ROLLBACK without one rolls back every candidate).\"},{\"name\":\"shadows\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Extra shadow variants that receive copies of every request.\",\"default\":[]},{\"name\":\"canaryWeight\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Share of traffic for the canary, 0..1 (START in canary mode, SET_WEIGHT).\"},{\"name\":\"stepIndex\",\"type\":[\"null\",\"int\"],\"default\":null,\"doc\":\"Index of the policy step the weight belongs to (SET_WEIGHT).\"},{\"name\":\"basedOnSeq\",\"type\":[\"null\",\"long\"],\"default\":null,\"doc\":\"seq of the rollout state the issuer saw; a mismatch rejects the command.\"},{\"name\":\"issuedBy\",\"type\":{\"type\":\"enum\",\"name\":\"IssuedBy\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"DECISION\",\"OPERATOR\"],\"default\":\"OPERATOR\",\"doc\":\"Who issued a command: the decision service or a human operator.\"},\"doc\":\"Who issued the command.\"},{\"name\":\"reason\",\"type\":\"string\",\"doc\":\"Why, in plain words.\",\"default\":\"\"},{\"name\":\"policy\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Rollout policy as JSON text (on START).\"},{\"name\":\"issuedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the command was issued, epoch milliseconds.\"},{\"name\":\"actor\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Who exactly issued the command, beyond issuedBy: an operator's name (kanary rollout approve --by), \\\"console\\\", or \\\"confirm-webhook <host>\\\"; recorded as the approver on APPROVE.\"},{\"name\":\"candidates\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[],\"doc\":\"On START of an A/B/n rollout: two or more candidate variants, each judged against the stable and given canaryWeight at step stepIndex (canary is then null).\"}]}";
    export const RolloutCommandName = "dev.kanary.v1.RolloutCommand";
    /**
     * A request to change a model's rollout, applied by the router's state machine.
     */
    export interface RolloutCommand {
        /**
         * Unique id; applying the same command twice is a no-op.
         */
        commandId: string;
        /**
         * Rollout the command is for; START introduces a new one.
         */
        rolloutId: string;
        /**
         * Logical model name; the Kafka key, so a model's commands are totally ordered.
         */
        model: string;
        /**
         * What to do.
         */
        action: DevKanaryV1.RolloutAction;
        /**
         * Stable variant (on START; echoed on other commands).
         */
        stable: string;
        /**
         * Canary variant (on START). In an A/B/n rollout, the candidate a SET_WEIGHT, PROMOTE or ROLLBACK is for (a ROLLBACK without one rolls back every candidate).
         *
         * Default: null
         */
        canary: null | string;
        /**
         * Extra shadow variants that receive copies of every request.
         *
         * Default: []
         */
        shadows: string[];
        /**
         * Share of traffic for the canary, 0..1 (START in canary mode, SET_WEIGHT).
         *
         * Default: null
         */
        canaryWeight: null | number;
        /**
         * Index of the policy step the weight belongs to (SET_WEIGHT).
         *
         * Default: null
         */
        stepIndex: null | number;
        /**
         * seq of the rollout state the issuer saw; a mismatch rejects the command.
         *
         * Default: null
         */
        basedOnSeq: null | number;
        /**
         * Who issued the command.
         */
        issuedBy: DevKanaryV1.IssuedBy;
        /**
         * Why, in plain words.
         *
         * Default: ""
         */
        reason: string;
        /**
         * Rollout policy as JSON text (on START).
         *
         * Default: null
         */
        policy: null | string;
        /**
         * When the command was issued, epoch milliseconds.
         */
        issuedAt: number;
        /**
         * Who exactly issued the command, beyond issuedBy: an operator's name (kanary rollout approve --by), "console", or "confirm-webhook <host>"; recorded as the approver on APPROVE.
         *
         * Default: null
         */
        actor: null | string;
        /**
         * On START of an A/B/n rollout: two or more candidate variants, each judged against the stable and given canaryWeight at step stepIndex (canary is then null).
         *
         * Default: []
         */
        candidates: string[];
    }
}

