import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { repoRoot } from '../support/paths.js';
import { mcpContract } from './contract.js';
import { BASE_URL, mcpFixture, type McpFixture } from './fixture.js';

describe('the MCP server over stdio: `paperboy mcp` started as an assistant starts it', () => {
  let f: McpFixture;
  /** One server process per token, as an assistant keeps one running; closed at the end. */
  const running = new Map<string | null, { client: Client; close: () => Promise<void>; stderr: () => string; errors: Error[] }>();
  before(async () => {
    f = await mcpFixture();
  });
  after(async () => {
    for (const server of running.values()) await server.close();
    await f.t.cleanup();
  });

  const start = async (token: string | null) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), 'mcp'],
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        ...f.t.env,
        PAPERBOY_BASE_URL: BASE_URL,
        PAPERBOY_LOG_LEVEL: 'info',
        ...(token === null ? {} : { PAPERBOY_API_TOKEN: token }),
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: 'paperboy-test', version: '1.0.0' });
    // A line on stdout that is not the protocol would show up here.
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(transport);
    const server = { client, close: () => client.close(), stderr: () => stderr, errors };
    running.set(token, server);
    return server;
  };

  const connect = async (token: string | null) => {
    const server = running.get(token) ?? (await start(token));
    // The contract closes each client it is done with; the process is kept for the next test.
    return Object.assign(Object.create(server.client) as Client, { close: async () => {} });
  };

  mcpContract({ fixture: () => f, connect });

  it('writes nothing but the protocol to stdout: its logs go to stderr', async () => {
    const server = running.get(null) ?? (await start(null));
    await server.client.listTools();
    assert.deepEqual(server.errors, []);
    assert.match(server.stderr(), /Paperboy's MCP server is answering on stdio/);
  });
});
