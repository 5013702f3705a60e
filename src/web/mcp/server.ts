/**
 * Paperboy as a Model Context Protocol server, for AI assistants: tools to search, list, read and
 * compare papers, and (with a member's personal API token) their picks, collections and votes;
 * each paper is also a resource, `paperboy://papers/{id}`. One server is made per caller (an HTTP
 * request, or the stdio process) over the same domain functions the site uses. See docs/mcp.md.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpCaller, McpDeps } from './context.js';
import { registerMemberTools } from './member-tools.js';
import { registerReadTools } from './read-tools.js';
import { registerPaperResource } from './resources.js';

const VERSION = '0.1.0';

export function createMcpServer(deps: McpDeps, caller: McpCaller): McpServer {
  const server = new McpServer(
    { name: 'paperboy', title: 'Paperboy', version: VERSION },
    {
      instructions:
        'Paperboy is a catalog of arXiv papers with daily lists, search and a community. Find papers with search_papers or daily_papers, ' +
        'read one with get_paper, explore with similar_papers. for_you, add_to_collection and upvote act as a member and need their personal API token.',
    },
  );
  registerReadTools(server, deps);
  registerMemberTools(server, deps, caller);
  registerPaperResource(server, deps);
  return server;
}
