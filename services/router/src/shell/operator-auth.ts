import { operatorAuthHook } from '@kanary/observability';

/**
 * The pre-handler of the router's operator endpoints: `Authorization: Bearer <token>` must carry
 * ROUTER_OPERATOR_TOKEN (401 when missing, 403 when wrong; 503 when no token is configured, so
 * the endpoints are off rather than open); compared in constant time.
 */
export function operatorAuth(token: string | undefined) {
  return operatorAuthHook({ token, variable: 'ROUTER_OPERATOR_TOKEN', realm: 'kanary-router' });
}
