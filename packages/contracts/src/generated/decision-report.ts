// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
/* eslint-disable @typescript-eslint/no-namespace */

export type DecisionReport = DevKanaryV1.DecisionReport;

export namespace DevKanaryV1 {
    export const DecisionActionSchema = "{\"type\":\"enum\",\"name\":\"DecisionAction\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"ROLLBACK\",\"ADVANCE\",\"PROMOTE\",\"HOLD\",\"PAUSE\"],\"default\":\"HOLD\",\"doc\":\"Outcome of one policy evaluation. HOLD means not enough data yet; PAUSE is a data-quality alarm.\"}";
    export const DecisionActionName = "dev.kanary.v1.DecisionAction";
    /**
     * Outcome of one policy evaluation. HOLD means not enough data yet; PAUSE is a data-quality alarm.
     */
    export type DecisionAction = "ROLLBACK" | "ADVANCE" | "PROMOTE" | "HOLD" | "PAUSE";
    export const RolloutPhaseSchema = "{\"type\":\"enum\",\"name\":\"RolloutPhase\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"SHADOW\",\"CANARY\",\"PAUSED\",\"PROMOTED\",\"ROLLED_BACK\"],\"default\":\"PAUSED\",\"doc\":\"Phase of a rollout. PROMOTED and ROLLED_BACK are terminal.\"}";
    export const RolloutPhaseName = "dev.kanary.v1.RolloutPhase";
    /**
     * Phase of a rollout. PROMOTED and ROLLED_BACK are terminal.
     */
    export type RolloutPhase = "SHADOW" | "CANARY" | "PAUSED" | "PROMOTED" | "ROLLED_BACK";
    export const MetricOutcomeSchema = "{\"type\":\"enum\",\"name\":\"MetricOutcome\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"PASS\",\"FAIL\",\"INCONCLUSIVE\",\"NOT_APPLICABLE\"],\"default\":\"INCONCLUSIVE\",\"doc\":\"Assessment of one metric.\"}";
    export const MetricOutcomeName = "dev.kanary.v1.MetricOutcome";
    /**
     * Assessment of one metric.
     */
    export type MetricOutcome = "PASS" | "FAIL" | "INCONCLUSIVE" | "NOT_APPLICABLE";
    export const MetricEvidenceSchema = "{\"type\":\"record\",\"name\":\"MetricEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Evidence for one metric in a decision.\",\"fields\":[{\"name\":\"metric\",\"type\":\"string\",\"doc\":\"Metric name, e.g. accuracy, errorRate, latencyP95, srm, agreement.\"},{\"name\":\"segment\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The segment the metric was judged within; null for the whole arm.\"},{\"name\":\"outcome\",\"type\":{\"type\":\"enum\",\"name\":\"MetricOutcome\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"PASS\",\"FAIL\",\"INCONCLUSIVE\",\"NOT_APPLICABLE\"],\"default\":\"INCONCLUSIVE\",\"doc\":\"Assessment of one metric.\"},\"doc\":\"Assessment of the metric.\"},{\"name\":\"nStable\",\"type\":\"long\",\"doc\":\"Samples in the stable arm.\"},{\"name\":\"nCanary\",\"type\":\"long\",\"doc\":\"Samples in the canary arm.\"},{\"name\":\"estimateStable\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Point estimate for the stable arm.\"},{\"name\":\"estimateCanary\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Point estimate for the canary arm.\"},{\"name\":\"difference\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Estimated difference canary - stable (or ratio, see detail).\"},{\"name\":\"lower\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Lower bound of the always-valid confidence interval.\"},{\"name\":\"upper\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Upper bound of the always-valid confidence interval.\"},{\"name\":\"pValue\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Always-valid p-value.\"},{\"name\":\"threshold\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Threshold the bound was compared with.\"},{\"name\":\"detail\",\"type\":\"string\",\"doc\":\"Plain-words reading of the evidence.\",\"default\":\"\"}]}";
    export const MetricEvidenceName = "dev.kanary.v1.MetricEvidence";
    /**
     * Evidence for one metric in a decision.
     */
    export interface MetricEvidence {
        /**
         * Metric name, e.g. accuracy, errorRate, latencyP95, srm, agreement.
         */
        metric: string;
        /**
         * The segment the metric was judged within; null for the whole arm.
         *
         * Default: null
         */
        segment: null | string;
        /**
         * Assessment of the metric.
         */
        outcome: DevKanaryV1.MetricOutcome;
        /**
         * Samples in the stable arm.
         */
        nStable: number;
        /**
         * Samples in the canary arm.
         */
        nCanary: number;
        /**
         * Point estimate for the stable arm.
         *
         * Default: null
         */
        estimateStable: null | number;
        /**
         * Point estimate for the canary arm.
         *
         * Default: null
         */
        estimateCanary: null | number;
        /**
         * Estimated difference canary - stable (or ratio, see detail).
         *
         * Default: null
         */
        difference: null | number;
        /**
         * Lower bound of the always-valid confidence interval.
         *
         * Default: null
         */
        lower: null | number;
        /**
         * Upper bound of the always-valid confidence interval.
         *
         * Default: null
         */
        upper: null | number;
        /**
         * Always-valid p-value.
         *
         * Default: null
         */
        pValue: null | number;
        /**
         * Threshold the bound was compared with.
         *
         * Default: null
         */
        threshold: null | number;
        /**
         * Plain-words reading of the evidence.
         *
         * Default: ""
         */
        detail: string;
    }
    export const DecisionReportSchema = "{\"type\":\"record\",\"name\":\"DecisionReport\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"One evaluation of a rollout's policy and the evidence behind it.\",\"fields\":[{\"name\":\"decisionId\",\"type\":\"string\",\"doc\":\"Unique id of the decision.\"},{\"name\":\"rolloutId\",\"type\":\"string\",\"doc\":\"Rollout judged; the Kafka key.\"},{\"name\":\"model\",\"type\":\"string\",\"doc\":\"Logical model name.\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"DecisionAction\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"ROLLBACK\",\"ADVANCE\",\"PROMOTE\",\"HOLD\",\"PAUSE\"],\"default\":\"HOLD\",\"doc\":\"Outcome of one policy evaluation. HOLD means not enough data yet; PAUSE is a data-quality alarm.\"},\"doc\":\"What the policy decided.\"},{\"name\":\"reason\",\"type\":\"string\",\"doc\":\"Why, in plain words.\"},{\"name\":\"phase\",\"type\":{\"type\":\"enum\",\"name\":\"RolloutPhase\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"SHADOW\",\"CANARY\",\"PAUSED\",\"PROMOTED\",\"ROLLED_BACK\"],\"default\":\"PAUSED\",\"doc\":\"Phase of a rollout. PROMOTED and ROLLED_BACK are terminal.\"},\"doc\":\"Phase of the rollout when judged.\"},{\"name\":\"stepIndex\",\"type\":\"int\",\"doc\":\"Policy step when judged.\"},{\"name\":\"canaryWeight\",\"type\":\"double\",\"doc\":\"Canary weight when judged.\"},{\"name\":\"evidence\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"MetricEvidence\",\"namespace\":\"dev.kanary.v1\",\"doc\":\"Evidence for one metric in a decision.\",\"fields\":[{\"name\":\"metric\",\"type\":\"string\",\"doc\":\"Metric name, e.g. accuracy, errorRate, latencyP95, srm, agreement.\"},{\"name\":\"segment\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The segment the metric was judged within; null for the whole arm.\"},{\"name\":\"outcome\",\"type\":{\"type\":\"enum\",\"name\":\"MetricOutcome\",\"namespace\":\"dev.kanary.v1\",\"symbols\":[\"PASS\",\"FAIL\",\"INCONCLUSIVE\",\"NOT_APPLICABLE\"],\"default\":\"INCONCLUSIVE\",\"doc\":\"Assessment of one metric.\"},\"doc\":\"Assessment of the metric.\"},{\"name\":\"nStable\",\"type\":\"long\",\"doc\":\"Samples in the stable arm.\"},{\"name\":\"nCanary\",\"type\":\"long\",\"doc\":\"Samples in the canary arm.\"},{\"name\":\"estimateStable\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Point estimate for the stable arm.\"},{\"name\":\"estimateCanary\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Point estimate for the canary arm.\"},{\"name\":\"difference\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Estimated difference canary - stable (or ratio, see detail).\"},{\"name\":\"lower\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Lower bound of the always-valid confidence interval.\"},{\"name\":\"upper\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Upper bound of the always-valid confidence interval.\"},{\"name\":\"pValue\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Always-valid p-value.\"},{\"name\":\"threshold\",\"type\":[\"null\",\"double\"],\"default\":null,\"doc\":\"Threshold the bound was compared with.\"},{\"name\":\"detail\",\"type\":\"string\",\"doc\":\"Plain-words reading of the evidence.\",\"default\":\"\"}]}},\"doc\":\"Per-metric evidence.\",\"default\":[]},{\"name\":\"commandId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Id of the command published because of this decision, if any.\"},{\"name\":\"details\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Additional evidence as JSON text.\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the decision was made, epoch milliseconds.\"},{\"name\":\"awaitingApproval\",\"type\":[\"null\",\"dev.kanary.v1.DecisionAction\"],\"default\":null,\"doc\":\"On a HOLD: the ADVANCE or PROMOTE the policy would make but that waits for an approval (kanary rollout approve, the console, or the confirm webhook); the reason says why it may go ahead.\"},{\"name\":\"approvedBy\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"On an ADVANCE or PROMOTE that needed an approval: who approved it.\"},{\"name\":\"candidate\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"A/B/n rollouts: the candidate the decision is about (phase, stepIndex, canaryWeight and evidence are then that candidate's against the stable); null for a rollout with one canary.\"}]}";
    export const DecisionReportName = "dev.kanary.v1.DecisionReport";
    /**
     * One evaluation of a rollout's policy and the evidence behind it.
     */
    export interface DecisionReport {
        /**
         * Unique id of the decision.
         */
        decisionId: string;
        /**
         * Rollout judged; the Kafka key.
         */
        rolloutId: string;
        /**
         * Logical model name.
         */
        model: string;
        /**
         * What the policy decided.
         */
        action: DevKanaryV1.DecisionAction;
        /**
         * Why, in plain words.
         */
        reason: string;
        /**
         * Phase of the rollout when judged.
         */
        phase: DevKanaryV1.RolloutPhase;
        /**
         * Policy step when judged.
         */
        stepIndex: number;
        /**
         * Canary weight when judged.
         */
        canaryWeight: number;
        /**
         * Per-metric evidence.
         *
         * Default: []
         */
        evidence: DevKanaryV1.MetricEvidence[];
        /**
         * Id of the command published because of this decision, if any.
         *
         * Default: null
         */
        commandId: null | string;
        /**
         * Additional evidence as JSON text.
         *
         * Default: null
         */
        details: null | string;
        /**
         * When the decision was made, epoch milliseconds.
         */
        at: number;
        /**
         * On a HOLD: the ADVANCE or PROMOTE the policy would make but that waits for an approval (kanary rollout approve, the console, or the confirm webhook); the reason says why it may go ahead.
         *
         * Default: null
         */
        awaitingApproval: null | DevKanaryV1.DecisionAction;
        /**
         * On an ADVANCE or PROMOTE that needed an approval: who approved it.
         *
         * Default: null
         */
        approvedBy: null | string;
        /**
         * A/B/n rollouts: the candidate the decision is about (phase, stepIndex, canaryWeight and evidence are then that candidate's against the stable); null for a rollout with one canary.
         *
         * Default: null
         */
        candidate: null | string;
    }
}

