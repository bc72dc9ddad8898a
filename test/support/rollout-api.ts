import type { RolloutState } from '@kanary/contracts';
import type { PolicyInput } from '@kanary/rollout';

export interface StartRollout {
  readonly canary: string;
  readonly canaryWeight?: number;
  readonly shadows?: readonly string[];
  readonly policy?: PolicyInput;
}

/**
 * Starts a rollout through the router's operator API and waits for the router to apply it;
 * returns the applied state (throws with the router's answer otherwise).
 */
export async function startRollout(
  routerUrl: string,
  token: string,
  model: string,
  body: StartRollout,
): Promise<RolloutState> {
  const response = await fetch(`${routerUrl}/v1/rollouts/${model}/start?wait=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`start ${model}: ${response.status} ${text}`);
  return (JSON.parse(text) as { state: RolloutState }).state;
}
