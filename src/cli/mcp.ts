import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { looksLikeApiToken } from '../community/api-tokens.js';
import { RecentPicks } from '../recommend/recent-picks.js';
import { openSearch } from '../search/open.js';
import { WriteLimiter } from '../web/mcp/context.js';
import { createMcpServer } from '../web/mcp/server.js';
import { describeLocation } from '../config.js';
import { openContext, withCommonOptions } from './context.js';

export function registerMcp(program: Command): void {
  withCommonOptions(
    program
      .command('mcp')
      .description('serve the catalog to an AI assistant over stdio (Model Context Protocol); PAPERBOY_API_TOKEN lets it act as you (see docs/mcp.md)'),
  ).action(async (opts: { dataDir?: string; logLevel?: string }) => {
    // stdout carries the protocol and nothing else: anything a library prints goes to stderr.
    console.log = console.error;
    console.info = console.error;
    const ctx = await openContext(opts);
    const { config, log, db } = ctx;
    if (config.apiToken !== null && !looksLikeApiToken(config.apiToken)) {
      log.warn('PAPERBOY_API_TOKEN does not look like a Paperboy token (pb_ and 43 more characters): tools that act as a member will refuse');
    }
    const search = openSearch(db, log, config.search);
    // Vectors load in the background: until then hybrid search answers with keywords alone.
    void search.then((service) => service.load()).catch((err: unknown) => log.error({ err }, 'loading the vector index failed'));
    const server = createMcpServer(
      { db, log, baseUrl: config.baseUrl, search, picks: new RecentPicks(db), writes: new WriteLimiter(db) },
      { token: config.apiToken },
    );
    const transport = new StdioServerTransport();
    transport.onclose = () => void ctx.close();
    process.stdin.once('end', () => void server.close());
    await server.connect(transport);
    log.info(`Paperboy's MCP server is answering on stdio for ${describeLocation(config.database)}`);
  });
}
