import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * A fastify pre-handler for the operator endpoints: `Authorization: Bearer <token>` must carry
 * the configured token (401 when missing, 403 when wrong; 503 when no token is configured, so
 * the endpoints are off rather than open). Both sides are hashed first, so the comparison takes
 * the same time whatever the length or the first differing byte of a guess.
 */
export function operatorAuth(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === undefined) {
      await reply.code(503).send({
        error: 'operator_disabled',
        message: 'operator endpoints are disabled: ROUTER_OPERATOR_TOKEN is not set',
      });
      return;
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
    if (match === null) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="kanary-router"').send({
        error: 'unauthorized',
        message: 'missing bearer token: send Authorization: Bearer <token>',
      });
      return;
    }
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      await reply.code(403).send({ error: 'forbidden', message: 'the operator token is wrong' });
    }
  };
}
