export { loadDecisionConfig, SERVICE, type DecisionConfig } from './config.js';
export {
  startDecisionService,
  type DecisionService,
  type DecisionServiceDeps,
} from './shell/start-decision-service.js';
export { rolloutGauges } from './shell/rollout-gauges.js';
export { verifyWebhook, signWebhook, WebhookHeader } from './shell/webhook-signature.js';
export { WebhookDlqHeader } from './shell/notifier.js';
