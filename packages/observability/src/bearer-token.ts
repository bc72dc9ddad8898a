import { createHash, timingSafeEqual } from 'node:crypto';

/** How an `Authorization` header compares with the configured token. */
export type BearerCheck = 'ok' | 'disabled' | 'missing' | 'wrong';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * A checker of `Authorization: Bearer <token>` headers against a configured token: `disabled`
 * when none is configured (the endpoints are off rather than open), `missing` without a bearer
 * header, `wrong` for another token. Both sides are hashed first, so the comparison takes the
 * same time whatever the length or the first differing byte of a guess.
 */
export function bearerTokenCheck(
  token: string | undefined,
): (authorization: string | undefined) => BearerCheck {
  const expected = token === undefined ? undefined : digest(token);
  return (authorization) => {
    if (expected === undefined) return 'disabled';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (match === null) return 'missing';
    return timingSafeEqual(digest(match[1]!), expected) ? 'ok' : 'wrong';
  };
}

/** What {@link operatorAuthHook} needs of an HTTP request and reply (fastify's fit). */
export interface AuthRequest {
  readonly headers: { readonly authorization?: string | undefined };
}
export interface AuthReply {
  code(status: number): AuthReply;
  header(name: string, value: string): AuthReply;
  send(body: unknown): unknown;
}

/**
 * A pre-handler for operator endpoints (fastify's `preHandler`): 503 when no token is
 * configured (naming `variable`, the setting that turns them on), 401 without a bearer token,
 * 403 with a wrong one; JSON bodies `{ error, message }`. Lets the request through otherwise.
 */
export function operatorAuthHook(options: {
  token: string | undefined;
  variable: string;
  realm: string;
}) {
  const check = bearerTokenCheck(options.token);
  return async (request: AuthRequest, reply: AuthReply): Promise<void> => {
    switch (check(request.headers.authorization)) {
      case 'ok':
        return;
      case 'disabled':
        await reply.code(503).send({
          error: 'operator_disabled',
          message: `operator endpoints are disabled: ${options.variable} is not set`,
        });
        return;
      case 'missing':
        await reply.code(401).header('www-authenticate', `Bearer realm="${options.realm}"`).send({
          error: 'unauthorized',
          message: 'missing bearer token: send Authorization: Bearer <token>',
        });
        return;
      case 'wrong':
        await reply.code(403).send({ error: 'forbidden', message: 'the operator token is wrong' });
    }
  };
}
