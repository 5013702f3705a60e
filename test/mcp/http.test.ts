import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { LIMITS } from '../../src/web/security.js';
import { testServer } from '../support/web.js';
import { json, mcpContract, refusal } from './contract.js';
import { BASE_URL, mcpFixture, type McpFixture } from './fixture.js';

describe('the MCP server over Streamable HTTP at /mcp, on the real site', () => {
  let f: McpFixture;
  let app: FastifyInstance;
  let url: URL;
  before(async () => {
    f = await mcpFixture();
    app = await testServer(f.t.db, f.t.dir, { env: { PAPERBOY_BASE_URL: BASE_URL } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`);
  });
  after(async () => {
    await app.close();
    await f.t.cleanup();
  });

  const connect = async (token: string | null) => {
    const client = new Client({ name: 'paperboy-test', version: '1.0.0' });
    const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    return client;
  };

  mcpContract({ fixture: () => f, connect });

  it('counts writes against the site\'s write limit per member', async () => {
    const { makeMember } = await import('../support/community.js');
    const { createApiToken } = await import('../../src/community/api-tokens.js');
    const carol = await makeMember(f.t.db, 'Carol');
    const client = await connect((await createApiToken(f.t.db, carol.id, 'x')).token);
    for (let i = 0; i < LIMITS.write.max; i++) json(await client.callTool({ name: 'upvote', arguments: { paper_id: '2601.00001', undo: i % 2 === 1 } }));
    assert.match(refusal(await client.callTool({ name: 'upvote', arguments: { paper_id: '2601.00001' } })), /^Too many changes in a short time: try again in \d+ s\.$/);
    assert.ok(!(await client.callTool({ name: 'daily_papers', arguments: {} })).isError, 'reads are not writes');
    await client.close();
  });

  it('answers HTTP that is not a JSON-RPC POST with JSON errors, and refuses other sites\' pages', async () => {
    const get = await fetch(url, { headers: { accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.match(((await get.json()) as { error: { message: string } }).error.message, /stateless/);

    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } });
    const broken = await post('{"jsonrpc": "2.0", "method": ');
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { error: { code: number } }).error.code, -32700);

    const listing = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const foreign = await post(JSON.stringify(listing), { origin: 'http://evil.example' });
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as { error: { message: string } }).error.message, /not accepted; only from https:\/\/papers\.example\.org/);
    // The session cookie of a signed-in browser is never a member's identity here: only a token is.
    const cookie = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'upvote', arguments: { paper_id: '2601.00001' } } }), { cookie: 'pb_session=anything' });
    assert.equal(cookie.status, 200);
    assert.match(JSON.stringify(await cookie.json()), /acts as a member and needs their personal API token/);
    // Stateless: a tools/list without an initialize first is answered.
    const ok = await post(JSON.stringify(listing), { origin: BASE_URL });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { result: { tools: unknown[] } }).result.tools.length, 7);
  });
});
