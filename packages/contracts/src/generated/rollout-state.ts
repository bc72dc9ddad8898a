// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type RolloutState = DevKanaryV1.RolloutState;

export namespace DevKanaryV1 {
    export const RolloutPhaseSchema = "{\"type\":\"enum\",\"name\":\"RolloutPhase\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"SHADOW\",\"CANARY\",\"PAUSED\",\"PROMOTED\",\"ROLLED_BACK\"],\"default\":\"PAUSED\",\"doc\":\"Phase of a rollout. PROMOTED and ROLLED_BACK are terminal.\"}";
    export const RolloutPhaseName = "dev.kanary.v1.RolloutPhase";
    /**
     * Phase of a rollout. PROMOTED and ROLLED_BACK are terminal.
     */
    export type RolloutPhase = "SHADOW" | "CANARY" | "PAUSED" | "PROMOTED" | "ROLLED_BACK";
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
    export const CommandOutcomeKindSchema = "{\"type\":\"enum\",\"name\":\"CommandOutcomeKind\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"APPLIED\",\"DUPLICATE\",\"REJECTED\"],\"default\":\"REJECTED\",\"doc\":\"Result of applying a command.\"}";
    export const CommandOutcomeKindName = "dev.kanary.v1.CommandOutcomeKind";
    /**
     * Result of applying a command.
     */
    export type CommandOutcomeKind = "APPLIED" | "DUPLICATE" | "REJECTED";
    export const CommandOutcomeSchema = "{\"type\":\"record\",\"name\":\"CommandOutcome\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"What the router did with the last command it received for this model.\",\"fields\":[{\"name\":\"commandId\",\"type\":\"string\",\"doc\":\"Id of the command.\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"RolloutAction\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"START\",\"SET_WEIGHT\",\"PROMOTE\",\"ROLLBACK\",\"PAUSE\",\"RESUME\",\"APPROVE\"],\"default\":\"PAUSE\",\"doc\":\"Command verbs understood by the router's rollout state machine.\"},\"doc\":\"Verb of the command.\"},{\"name\":\"issuedBy\",\"type\":{\"type\":\"enum\",\"name\":\"IssuedBy\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"DECISION\",\"OPERATOR\"],\"default\":\"OPERATOR\",\"doc\":\"Who issued a command: the decision service or a human operator.\"},\"doc\":\"Who issued it.\"},{\"name\":\"outcome\",\"type\":{\"type\":\"enum\",\"name\":\"CommandOutcomeKind\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"APPLIED\",\"DUPLICATE\",\"REJECTED\"],\"default\":\"REJECTED\",\"doc\":\"Result of applying a command.\"},\"doc\":\"Result.\"},{\"name\":\"reasonCode\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Machine-readable rejection code.\"},{\"name\":\"message\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Plain-words explanation of a rejection.\"},{\"name\":\"issuedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the command was issued, epoch milliseconds.\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the router handled it, epoch milliseconds.\"},{\"name\":\"fromPhase\",\"type\":[\"null\",\"dev.kanary.v1.RolloutPhase\"],\"default\":null,\"doc\":\"Phase of the model's state the command was applied to (null when the model had none, and in records from routers that did not record it): with `phase`, the state change this record made, for readers that never saw the state before it.\"}]}";
    export const CommandOutcomeName = "dev.kanary.v1.CommandOutcome";
    /**
     * What the router did with the last command it received for this model.
     */
    export interface CommandOutcome {
        /**
         * Id of the command.
         */
        commandId: string;
        /**
         * Verb of the command.
         */
        action: DevKanaryV1.RolloutAction;
        /**
         * Who issued it.
         */
        issuedBy: DevKanaryV1.IssuedBy;
        /**
         * Result.
         */
        outcome: DevKanaryV1.CommandOutcomeKind;
        /**
         * Machine-readable rejection code.
         *
         * Default: null
         */
        reasonCode: null | string;
        /**
         * Plain-words explanation of a rejection.
         *
         * Default: null
         */
        message: null | string;
        /**
         * When the command was issued, epoch milliseconds.
         */
        issuedAt: number;
        /**
         * When the router handled it, epoch milliseconds.
         */
        at: number;
        /**
         * Phase of the model's state the command was applied to (null when the model had none, and in records from routers that did not record it): with `phase`, the state change this record made, for readers that never saw the state before it.
         *
         * Default: null
         */
        fromPhase: null | DevKanaryV1.RolloutPhase;
    }
    export const ApprovalSchema = "{\"type\":\"record\",\"name\":\"Approval\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"An approval to end a policy step (ADVANCE past it, or PROMOTE after the last), given by an APPROVE command.\",\"fields\":[{\"name\":\"stepIndex\",\"type\":\"int\",\"doc\":\"Policy step the approval lets end (-1: the shadow phase).\"},{\"name\":\"approvedBy\",\"type\":\"string\",\"doc\":\"Who approved: the APPROVE command's actor, or its issuer when it named none.\"},{\"name\":\"issuedBy\",\"type\":\"dev.kanary.v1.IssuedBy\",\"doc\":\"OPERATOR (CLI, console, HTTP) or DECISION (a confirm webhook's 2xx).\"},{\"name\":\"commandId\",\"type\":\"string\",\"doc\":\"Id of the APPROVE command.\"},{\"name\":\"reason\",\"type\":\"string\",\"default\":\"\",\"doc\":\"The reason given with the approval.\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the router applied the approval, epoch milliseconds.\"}]}";
    export const ApprovalName = "dev.kanary.v1.Approval";
    /**
     * An approval to end a policy step (ADVANCE past it, or PROMOTE after the last), given by an APPROVE command.
     */
    export interface Approval {
        /**
         * Policy step the approval lets end (-1: the shadow phase).
         */
        stepIndex: number;
        /**
         * Who approved: the APPROVE command's actor, or its issuer when it named none.
         */
        approvedBy: string;
        /**
         * OPERATOR (CLI, console, HTTP) or DECISION (a confirm webhook's 2xx).
         */
        issuedBy: DevKanaryV1.IssuedBy;
        /**
         * Id of the APPROVE command.
         */
        commandId: string;
        /**
         * The reason given with the approval.
         *
         * Default: ""
         */
        reason: string;
        /**
         * When the router applied the approval, epoch milliseconds.
         */
        at: number;
    }
    export const CandidateStatusSchema = "{\"type\":\"enum\",\"name\":\"CandidateStatus\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"LIVE\",\"ROLLED_BACK\",\"PROMOTED\",\"ENDED\"],\"default\":\"ENDED\",\"doc\":\"LIVE while it serves its share; ROLLED_BACK when it was rolled back (alone, or with the rollout); PROMOTED when it became the stable; ENDED when another candidate was promoted.\"}";
    export const CandidateStatusName = "dev.kanary.v1.CandidateStatus";
    /**
     * LIVE while it serves its share; ROLLED_BACK when it was rolled back (alone, or with the rollout); PROMOTED when it became the stable; ENDED when another candidate was promoted.
     */
    export type CandidateStatus = "LIVE" | "ROLLED_BACK" | "PROMOTED" | "ENDED";
    export const CandidateSchema = "{\"type\":\"record\",\"name\":\"Candidate\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"One candidate of an A/B/n rollout: a variant judged against the shared stable arm with its own weight and policy step.\",\"fields\":[{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version of the candidate.\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"CandidateStatus\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"LIVE\",\"ROLLED_BACK\",\"PROMOTED\",\"ENDED\"],\"default\":\"ENDED\",\"doc\":\"LIVE while it serves its share; ROLLED_BACK when it was rolled back (alone, or with the rollout); PROMOTED when it became the stable; ENDED when another candidate was promoted.\"},\"doc\":\"Where the candidate stands.\"},{\"name\":\"weight\",\"type\":\"double\",\"doc\":\"Share of all traffic the candidate serves, 0..1 (0 once it is no longer LIVE).\"},{\"name\":\"stepIndex\",\"type\":\"int\",\"doc\":\"Index of the candidate's current policy step.\"},{\"name\":\"stepStartedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the candidate's current step began, epoch milliseconds.\"},{\"name\":\"changedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the candidate's weight or status last changed, epoch milliseconds.\"}]}";
    export const CandidateName = "dev.kanary.v1.Candidate";
    /**
     * One candidate of an A/B/n rollout: a variant judged against the shared stable arm with its own weight and policy step.
     */
    export interface Candidate {
        /**
         * Model version of the candidate.
         */
        variant: string;
        /**
         * Where the candidate stands.
         */
        status: DevKanaryV1.CandidateStatus;
        /**
         * Share of all traffic the candidate serves, 0..1 (0 once it is no longer LIVE).
         */
        weight: number;
        /**
         * Index of the candidate's current policy step.
         */
        stepIndex: number;
        /**
         * When the candidate's current step began, epoch milliseconds.
         */
        stepStartedAt: number;
        /**
         * When the candidate's weight or status last changed, epoch milliseconds.
         */
        changedAt: number;
    }
    export const RolloutStateSchema = "{\"type\":\"record\",\"name\":\"RolloutState\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"The routing table entry the router applied for one model (compacted topic).\",\"fields\":[{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name; the Kafka key.\"},{\"name\":\"rolloutId\",\"type\":\"string\",\"doc\":\"Current (or last) rollout of the model.\"},{\"name\":\"phase\",\"type\":{\"type\":\"enum\",\"name\":\"RolloutPhase\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"SHADOW\",\"CANARY\",\"PAUSED\",\"PROMOTED\",\"ROLLED_BACK\"],\"default\":\"PAUSED\",\"doc\":\"Phase of a rollout. PROMOTED and ROLLED_BACK are terminal.\"},\"doc\":\"Phase of the rollout.\"},{\"name\":\"pausedFrom\",\"type\":[\"null\",\"dev.kanary.v1.RolloutPhase\"],\"default\":null,\"doc\":\"Phase to return to on RESUME; set while PAUSED.\"},{\"name\":\"stable\",\"type\":\"string\",\"doc\":\"Variant serving the rest of the traffic.\"},{\"name\":\"canary\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Canary variant; null after PROMOTE.\"},{\"name\":\"shadows\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Variants receiving copies of every request.\",\"default\":[]},{\"name\":\"canaryWeight\",\"type\":\"double\",\"doc\":\"Share of traffic served by the canary, 0..1.\"},{\"name\":\"stepIndex\",\"type\":\"int\",\"doc\":\"Index of the current policy step (-1 in shadow mode).\"},{\"name\":\"seq\",\"type\":\"long\",\"doc\":\"Increments with every applied command; commands name it in basedOnSeq.\"},{\"name\":\"policy\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Rollout policy as JSON text.\"},{\"name\":\"startedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the rollout started, epoch milliseconds.\"},{\"name\":\"stepStartedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"default\":0,\"doc\":\"When the current policy step (or shadow phase) began, epoch milliseconds; the policy measures step duration and per-step samples from it.\"},{\"name\":\"updatedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the state last changed, epoch milliseconds.\"},{\"name\":\"recentCommandIds\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Ids of recently applied commands, to make re-delivery a no-op.\",\"default\":[]},{\"name\":\"lastCommand\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"CommandOutcome\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"What the router did with the last command it received for this model.\",\"fields\":[{\"name\":\"commandId\",\"type\":\"string\",\"doc\":\"Id of the command.\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"RolloutAction\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"START\",\"SET_WEIGHT\",\"PROMOTE\",\"ROLLBACK\",\"PAUSE\",\"RESUME\",\"APPROVE\"],\"default\":\"PAUSE\",\"doc\":\"Command verbs understood by the router's rollout state machine.\"},\"doc\":\"Verb of the command.\"},{\"name\":\"issuedBy\",\"type\":{\"type\":\"enum\",\"name\":\"IssuedBy\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"DECISION\",\"OPERATOR\"],\"default\":\"OPERATOR\",\"doc\":\"Who issued a command: the decision service or a human operator.\"},\"doc\":\"Who issued it.\"},{\"name\":\"outcome\",\"type\":{\"type\":\"enum\",\"name\":\"CommandOutcomeKind\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"APPLIED\",\"DUPLICATE\",\"REJECTED\"],\"default\":\"REJECTED\",\"doc\":\"Result of applying a command.\"},\"doc\":\"Result.\"},{\"name\":\"reasonCode\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Machine-readable rejection code.\"},{\"name\":\"message\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Plain-words explanation of a rejection.\"},{\"name\":\"issuedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the command was issued, epoch milliseconds.\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the router handled it, epoch milliseconds.\"},{\"name\":\"fromPhase\",\"type\":[\"null\",\"dev.kanary.v1.RolloutPhase\"],\"default\":null,\"doc\":\"Phase of the model's state the command was applied to (null when the model had none, and in records from routers that did not record it): with `phase`, the state change this record made, for readers that never saw the state before it.\"}]}],\"default\":null,\"doc\":\"Outcome of the last command received, including rejections.\"},{\"name\":\"approval\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Approval\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"An approval to end a policy step (ADVANCE past it, or PROMOTE after the last), given by an APPROVE command.\",\"fields\":[{\"name\":\"stepIndex\",\"type\":\"int\",\"doc\":\"Policy step the approval lets end (-1: the shadow phase).\"},{\"name\":\"approvedBy\",\"type\":\"string\",\"doc\":\"Who approved: the APPROVE command's actor, or its issuer when it named none.\"},{\"name\":\"issuedBy\",\"type\":\"dev.kanary.v1.IssuedBy\",\"doc\":\"OPERATOR (CLI, console, HTTP) or DECISION (a confirm webhook's 2xx).\"},{\"name\":\"commandId\",\"type\":\"string\",\"doc\":\"Id of the APPROVE command.\"},{\"name\":\"reason\",\"type\":\"string\",\"default\":\"\",\"doc\":\"The reason given with the approval.\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the router applied the approval, epoch milliseconds.\"}]}],\"default\":null,\"doc\":\"Approval of the current step, when the policy requires one before ADVANCE or PROMOTE; null until approved, and again after the step changes.\"},{\"name\":\"candidates\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Candidate\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"One candidate of an A/B/n rollout: a variant judged against the shared stable arm with its own weight and policy step.\",\"fields\":[{\"name\":\"variant\",\"type\":\"string\",\"doc\":\"Model version of the candidate.\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"CandidateStatus\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"LIVE\",\"ROLLED_BACK\",\"PROMOTED\",\"ENDED\"],\"default\":\"ENDED\",\"doc\":\"LIVE while it serves its share; ROLLED_BACK when it was rolled back (alone, or with the rollout); PROMOTED when it became the stable; ENDED when another candidate was promoted.\"},\"doc\":\"Where the candidate stands.\"},{\"name\":\"weight\",\"type\":\"double\",\"doc\":\"Share of all traffic the candidate serves, 0..1 (0 once it is no longer LIVE).\"},{\"name\":\"stepIndex\",\"type\":\"int\",\"doc\":\"Index of the candidate's current policy step.\"},{\"name\":\"stepStartedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the candidate's current step began, epoch milliseconds.\"},{\"name\":\"changedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the candidate's weight or status last changed, epoch milliseconds.\"}]}},\"default\":[],\"doc\":\"A/B/n rollouts: the candidates judged against the stable, in START order (each owns a fixed slice of the assignment buckets); empty for a rollout with one canary. With candidates, `canary` is null, `canaryWeight` the LIVE candidates' total weight, `stepIndex` and `stepStartedAt` the furthest candidate's.\"}]}";
    export const RolloutStateName = "dev.kanary.v1.RolloutState";
    /**
     * The routing table entry the router applied for one model (compacted topic).
     */
    export interface RolloutState {
        /**
         * Logical model name; the Kafka key.
         */
        model: string;
        /**
         * Current (or last) rollout of the model.
         */
        rolloutId: string;
        /**
         * Phase of the rollout.
         */
        phase: DevKanaryV1.RolloutPhase;
        /**
         * Phase to return to on RESUME; set while PAUSED.
         *
         * Default: null
         */
        pausedFrom: null | DevKanaryV1.RolloutPhase;
        /**
         * Variant serving the rest of the traffic.
         */
        stable: string;
        /**
         * Canary variant; null after PROMOTE.
         *
         * Default: null
         */
        canary: null | string;
        /**
         * Variants receiving copies of every request.
         *
         * Default: []
         */
        shadows: string[];
        /**
         * Share of traffic served by the canary, 0..1.
         */
        canaryWeight: number;
        /**
         * Index of the current policy step (-1 in shadow mode).
         */
        stepIndex: number;
        /**
         * Increments with every applied command; commands name it in basedOnSeq.
         */
        seq: number;
        /**
         * Rollout policy as JSON text.
         *
         * Default: null
         */
        policy: null | string;
        /**
         * When the rollout started, epoch milliseconds.
         */
        startedAt: number;
        /**
         * When the current policy step (or shadow phase) began, epoch milliseconds; the policy measures step duration and per-step samples from it.
         *
         * Default: 0
         */
        stepStartedAt: number;
        /**
         * When the state last changed, epoch milliseconds.
         */
        updatedAt: number;
        /**
         * Ids of recently applied commands, to make re-delivery a no-op.
         *
         * Default: []
         */
        recentCommandIds: string[];
        /**
         * Outcome of the last command received, including rejections.
         *
         * Default: null
         */
        lastCommand: null | DevKanaryV1.CommandOutcome;
        /**
         * Approval of the current step, when the policy requires one before ADVANCE or PROMOTE; null until approved, and again after the step changes.
         *
         * Default: null
         */
        approval: null | DevKanaryV1.Approval;
        /**
         * A/B/n rollouts: the candidates judged against the stable, in START order (each owns a fixed slice of the assignment buckets); empty for a rollout with one canary. With candidates, `canary` is null, `canaryWeight` the LIVE candidates' total weight, `stepIndex` and `stepStartedAt` the furthest candidate's.
         *
         * Default: []
         */
        candidates: DevKanaryV1.Candidate[];
    }
}

