/**
 * The tools that act as a member, with their personal API token: their "For you" picks, adding a
 * paper to one of their collections, and upvoting. The token is checked on every call, the
 * member's standing (suspended, unconfirmed) by the same domain functions the site's forms call,
 * and every write counts against the site's write limit.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { apiTokenUser } from '../../community/api-tokens.js';
import { addToCollection, createCollection, listCollections, MAX_COLLECTION_NAME_LENGTH, type Collection } from '../../community/collections.js';
import { requireMember, type User } from '../../community/users.js';
import { setVote } from '../../community/votes.js';
import { reasonText } from '../../recommend/for-you.js';
import { guarded, ToolRefusal, type McpCaller, type McpDeps } from './context.js';
import { MAX_TOOL_RESULTS, paperIdArgument, storedPaper } from './read-tools.js';
import { jsonResult, paperBrief } from './results.js';

const NEEDS_TOKEN = 'Needs a personal API token (make one on your profile page).';

export function registerMemberTools(server: McpServer, deps: McpDeps, caller: McpCaller): void {
  const { db, baseUrl, log } = deps;

  /** The member the caller's token belongs to, or a refusal that says what is wrong with the token. */
  const member = async (tool: string): Promise<User> => {
    if (caller.token === null) {
      throw new ToolRefusal(`${tool} acts as a member and needs their personal API token: send "Authorization: Bearer <token>" over HTTP, or set PAPERBOY_API_TOKEN for paperboy mcp. Make one on your profile page.`);
    }
    const user = await apiTokenUser(db, caller.token);
    if (!user) throw new ToolRefusal('This API token is not valid: it is mistyped or has been revoked.');
    return user;
  };

  /** A write: the member, checked and counted against the write limit, then the action. */
  const write = async (tool: string): Promise<User> => {
    const user = await member(tool);
    await deps.writes.take(user.id);
    return user;
  };

  server.registerTool(
    'for_you',
    {
      title: 'Papers for you',
      description: `The member's "For you" picks among the recent papers, learned from what they upvoted, collected and follow, each with its reason. ${NEEDS_TOKEN}`,
      inputSchema: z.object({ limit: z.number().int().min(1, 'must be at least 1').max(MAX_TOOL_RESULTS, `must be at most ${MAX_TOOL_RESULTS}`).default(20).describe('How many papers.') }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(log, async ({ limit }) => {
      const user = await member('for_you');
      await requireMember(db, user.id, { verified: false });
      const view = await deps.picks.forMember(user.id, limit);
      return jsonResult({
        since: view.since,
        ...(view.hasSignals ? {} : { notes: ['Nothing to learn from yet: upvote or collect some papers, or follow authors, and picks will follow.'] }),
        papers: view.items.map((item) => ({ ...paperBrief(item.paper, baseUrl), reason: reasonText(item.reason) })),
      });
    }),
  );

  server.registerTool(
    'add_to_collection',
    {
      title: 'Add a paper to a collection',
      description: `Adds a paper to one of the member's collections, named as on the site; a private collection of that name is made when they have none. ${NEEDS_TOKEN}`,
      inputSchema: z.object({
        paper_id: paperIdArgument,
        collection: z
          .string()
          .trim()
          .min(1, 'must not be empty')
          .max(MAX_COLLECTION_NAME_LENGTH, `must be at most ${MAX_COLLECTION_NAME_LENGTH} characters`)
          .describe('The name of the collection, such as "Reading group".'),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(
      log,
      async ({ paper_id, collection: name }) => {
        const user = await write('add_to_collection');
        const paper = await storedPaper(db, paper_id);
        const collection = (await ownCollectionNamed(db, user.id, name)) ?? (await createCollection(db, user.id, { name, isPublic: false }));
        const { added } = await addToCollection(db, user.id, collection.id, paper.id);
        return jsonResult({
          paper_id: paper.id,
          added,
          collection: { id: collection.id, name: collection.name, public: collection.isPublic, url: `${baseUrl}/u/${collection.owner.username}/c/${collection.slug}` },
        });
      },
      { name: 'collection' },
    ),
  );

  server.registerTool(
    'upvote',
    {
      title: 'Upvote a paper',
      description: `Upvotes a paper as the member (or, with undo, takes the upvote back); asking twice changes nothing. ${NEEDS_TOKEN}`,
      inputSchema: z.object({
        paper_id: paperIdArgument,
        undo: z.boolean().default(false).describe('Take the upvote back instead.'),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(log, async ({ paper_id, undo }) => {
      const user = await write('upvote');
      const paper = await storedPaper(db, paper_id);
      const { voted, upvotes } = await setVote(db, user.id, paper.id, !undo);
      return jsonResult({ paper_id: paper.id, voted, upvotes });
    }),
  );
}

/** The member's collection of this name (letter case and surrounding spaces aside), if they have one. */
async function ownCollectionNamed(db: McpDeps['db'], userId: number, name: string): Promise<Collection | null> {
  const wanted = name.trim().toLowerCase();
  return (await listCollections(db, userId, userId)).find((c) => c.name.toLowerCase() === wanted) ?? null;
}
