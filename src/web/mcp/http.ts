/**
 * The MCP server over Streamable HTTP at `/mcp`, stateless: every POST gets a server of its own,
 * made for the token it carries (`Authorization: Bearer <token>`; cookies are never looked at, so
 * no web page can act as a signed-in member through it), and answers with JSON. The SDK's
 * transport reads and checks the body itself (content type, size, JSON-RPC), so Fastify hands it
 * the request untouched. GET and DELETE, which only mean something with sessions, are refused.
 */
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LIMITS } from '../security.js';
import type { McpDeps } from './context.js';
import { createMcpServer } from './server.js';

export const MCP_PATH = '/mcp';
const MAX_BODY_BYTES = 64 * 1024;

export function registerMcpRoutes(app: FastifyInstance, deps: McpDeps): void {
  const allowedOrigin = new URL(deps.baseUrl).origin;
  // Not awaited: awaiting a plugin here would build the routes before it ahead of the server's error handler.
  void app.register(async (mcp) => {
    // The body is the transport's to read: no parser of Fastify's may consume it first.
    mcp.removeAllContentTypeParsers();
    mcp.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    mcp.post(MCP_PATH, { config: { rateLimit: LIMITS.api } }, async (request, reply) => {
      // A page of another site, reaching this server through DNS rebinding, gives itself away by its Origin.
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== allowedOrigin) return rpcError(reply, 403, `Requests from ${origin.slice(0, 100)} are not accepted; only from ${allowedOrigin}.`);
      const server = createMcpServer(deps, { token: bearerToken(request.headers.authorization) });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: MAX_BODY_BYTES });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw);
      } catch (err) {
        deps.log.error({ err }, 'the MCP request failed');
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(rpcBody('The server could not answer this request.')));
      }
    });
    const sessionless = async (_request: unknown, reply: FastifyReply) =>
      rpcError(reply.header('Allow', 'POST'), 405, 'This MCP server is stateless: send each request with POST.');
    mcp.get(MCP_PATH, sessionless);
    mcp.delete(MCP_PATH, sessionless);
  });
}

/** The token of `Authorization: Bearer <token>`; any other Authorization is passed on whole, and refused as a token when one is needed. */
function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1]! : header;
}

function rpcBody(message: string) {
  return { jsonrpc: '2.0', error: { code: -32000, message }, id: null };
}

function rpcError(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).type('application/json; charset=utf-8').send(rpcBody(message));
}
