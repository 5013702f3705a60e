/** What every MCP tool is given, and how its failures are said to the assistant. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../log.js';
import type { RecentPicks } from '../../recommend/recent-picks.js';
import type { SearchService } from '../../search/service.js';
import { countHit } from '../../store/rate-limits.js';
import type { Db } from '../../store/schema.js';
import { isRefusal } from '../refusals.js';
import { LIMITS } from '../security.js';
import { CommunityError } from '../../community/errors.js';

export interface McpDeps {
  db: Db;
  log: Logger;
  /** Links in answers start with it (PAPERBOY_BASE_URL). */
  baseUrl: string;
  search: Promise<SearchService>;
  picks: RecentPicks;
  writes: WriteLimiter;
}

/** Who is asking: the personal API token they gave (checked on every call that needs it, so a revoked token stops at once). */
export interface McpCaller {
  token: string | null;
}

/** A refusal the assistant should read: its message goes back as the tool's error. */
export class ToolRefusal extends Error {
  override name = 'ToolRefusal';
}

/**
 * A tool's handler with its failures said to the assistant: a refusal of the domain with the
 * argument it is about (`fields` renames the domain's field to the tool's argument), and any
 * other failure as a plain "could not answer", logged, with nothing of its inside shown.
 */
export function guarded<A>(log: Logger, handler: (args: A) => Promise<CallToolResult>, fields: Record<string, string> = {}) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      return await handler(args);
    } catch (error) {
      if (error instanceof ToolRefusal) throw error;
      if (isRefusal(error)) {
        const field = error.field === undefined ? undefined : (fields[error.field] ?? error.field);
        throw new ToolRefusal(field ? `${field}: ${error.message}` : error.message);
      }
      log.error({ err: error }, 'an MCP tool failed');
      throw new ToolRefusal('The server could not answer this request.');
    }
  };
}

/**
 * Writes by assistants count against the site's limit for a member's writes (LIMITS.write), kept
 * for the MCP server's callers, per member, in the database (store/rate-limits.ts): the same count
 * whichever process answers, the site's or a `paperboy mcp` of its own.
 */
export class WriteLimiter {
  constructor(private readonly db: Db) {}

  async take(userId: number): Promise<void> {
    const now = Date.now();
    const count = await countHit(this.db, `mcp:write:user:${userId}`, LIMITS.write.timeWindow, now);
    if (count.hits <= LIMITS.write.max) return;
    const seconds = Math.max(1, Math.ceil((count.resetsAt - now) / 1000));
    throw new CommunityError('rate_limited', `Too many changes in a short time: try again in ${seconds} s.`, { retryAfterSeconds: seconds });
  }
}
