/** What every MCP tool is given, and how its failures are said to the assistant. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../log.js';
import type { RecentPicks } from '../../recommend/recent-picks.js';
import type { SearchService } from '../../search/service.js';
import type { Db } from '../../store/schema.js';
import { isRefusal } from '../refusals.js';
import { LIMITS } from '../security.js';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
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
 * here for the MCP server's own callers, per member.
 */
export class WriteLimiter {
  private readonly limiter = new RateLimiterMemory({ points: LIMITS.write.max, duration: LIMITS.write.timeWindow / 1000 });

  async take(userId: number): Promise<void> {
    try {
      await this.limiter.consume(`user:${userId}`);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new CommunityError('rate_limited', `Too many changes in a short time: try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
  }
}
