import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiTokenUser } from '../../community/api-tokens.js';
import type { User } from '../../community/users.js';
import type { Db } from '../../store/schema.js';
import { sendError } from './http.js';

/**
 * The member a personal API token (`Authorization: Bearer pb_…`) belongs to, or null after
 * answering 401. Cookies are never looked at here, so no other site can make a browser act or
 * read as its member. With `optional`, a request without the header is a visitor (undefined),
 * while a token that is sent and wrong is still a 401.
 */
export async function tokenUser(db: Db, request: FastifyRequest, reply: FastifyReply, options: { optional?: boolean } = {}): Promise<User | null | undefined> {
  const header = request.headers.authorization;
  if (header === undefined && options.optional) return undefined;
  const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!match) {
    reply.header('WWW-Authenticate', 'Bearer realm="paperboy"');
    sendError(reply, 401, 'This needs a personal API token: send "Authorization: Bearer <token>". Make one on your profile page.');
    return null;
  }
  const user = await apiTokenUser(db, match[1]);
  if (!user) {
    reply.header('WWW-Authenticate', 'Bearer realm="paperboy", error="invalid_token"');
    sendError(reply, 401, 'This API token is not valid: it is mistyped or has been revoked.');
    return null;
  }
  return user;
}
