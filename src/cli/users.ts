import type { Command } from 'commander';
import { CommunityError } from '../community/errors.js';
import { demote, promote } from '../community/moderation.js';
import { fail, openContext, withCommonOptions } from './context.js';

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage members');
  for (const [name, action, description] of [
    ['promote', promote, 'make a member an admin (a moderator of the site)'],
    ['demote', demote, 'make an admin an ordinary member again'],
  ] as const) {
    withCommonOptions(users.command(name).description(description).argument('<email>', "the member's email address")).action(
      async (email: string, opts: { dataDir?: string; logLevel?: string }) => {
        const ctx = await openContext(opts);
        try {
          const user = await action(ctx.db, email);
          process.stdout.write(`${user.email} (@${user.username}) is now ${user.role === 'admin' ? 'an admin' : 'a member'}\n`);
        } catch (error) {
          if (error instanceof CommunityError) fail(error.message, 1);
          throw error;
        } finally {
          await ctx.close();
        }
      },
    );
  }
}
