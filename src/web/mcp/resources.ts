/** Every paper as a resource, `paperboy://papers/{id}`: the same Markdown as `/papers/{id}.md` and `get_paper`. */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { paperMarkdownById } from '../api/markdown.js';
import type { McpDeps } from './context.js';

/** The MCP specification's code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

export function registerPaperResource(server: McpServer, deps: McpDeps): void {
  // `{+id}`: old-style ids hold a slash (paperboy://papers/hep-th/9901001).
  server.registerResource(
    'paper',
    new ResourceTemplate('paperboy://papers/{+id}', { list: undefined }),
    { title: 'A paper', description: 'A paper of the catalog as Markdown, by its arXiv id: paperboy://papers/2401.12345', mimeType: 'text/markdown' },
    async (uri, variables) => {
      const raw = decoded(String(variables.id ?? ''));
      const parsed = parseArxivId(raw);
      if (!parsed) throw new McpError(ErrorCode.InvalidParams, `id: "${raw.slice(0, 80)}" is not an arXiv id such as 2401.12345 or hep-th/9901001`);
      const markdown = await paperMarkdownById(deps.db, deps.baseUrl, parsed.id);
      if (markdown === null) throw new McpError(RESOURCE_NOT_FOUND, `arXiv:${parsed.id} is not in this catalog.`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: markdown }] };
    },
  );
}

/** `hep-th%2F9901001` as `hep-th/9901001`; a broken escape is left as typed (and then is no id). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
