import { Migrator, type Kysely, type Migration } from 'kysely';
import * as catalog from './migrations/2026-11-25-catalog.js';
import * as search from './migrations/2026-11-26-search.js';
import * as community from './migrations/2026-11-27-community.js';
import * as apiTokens from './migrations/2026-11-28-api-tokens.js';
import * as profile from './migrations/2026-11-28-profile.js';
import * as mail from './migrations/2026-11-29-mail.js';
import * as digestRuns from './migrations/2026-12-01-digest-runs.js';
import * as announcements from './migrations/2026-12-03-announcements.js';
import * as paperKeys from './migrations/2026-12-03-paper-keys.js';
import * as authorClaims from './migrations/2026-12-03-author-claims.js';
import * as groups from './migrations/2026-12-03-groups.js';
import * as featured from './migrations/2026-12-03-featured.js';
import * as demoMembers from './migrations/2026-12-03-demo-members.js';
import * as codeRepos from './migrations/2026-12-03-code-repos.js';
import * as hubLinks from './migrations/2026-12-03-hub-links.js';
import * as summaries from './migrations/2026-12-03-summaries.js';
import * as nextVectors from './migrations/2026-12-03-next-vectors.js';
import * as searchTitles from './migrations/2026-12-03-search-titles.js';
import * as processes from './migrations/2026-12-03-processes.js';
import * as feedOnlyPapers from './migrations/2026-12-03-feed-only-papers.js';

/** Listed by hand so they run the same from tsx and from the built dist/ folder. */
const migrations: Record<string, Migration> = {
  '2026-11-25-catalog': catalog,
  '2026-11-26-search': search,
  '2026-11-27-community': community,
  '2026-11-28-api-tokens': apiTokens,
  '2026-11-28-profile': profile,
  '2026-11-29-mail': mail,
  '2026-12-01-digest-runs': digestRuns,
  '2026-12-03-announcements': announcements,
  '2026-12-03-paper-keys': paperKeys,
  '2026-12-03-author-claims': authorClaims,
  '2026-12-03-groups': groups,
  '2026-12-03-featured': featured,
  '2026-12-03-demo-members': demoMembers,
  '2026-12-03-code-repos': codeRepos,
  '2026-12-03-hub-links': hubLinks,
  '2026-12-03-summaries': summaries,
  '2026-12-03-next-vectors': nextVectors,
  '2026-12-03-search-titles': searchTitles,
  '2026-12-03-processes': processes,
  '2026-12-03-feed-only-papers': feedOnlyPapers,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Features are built side by side and their migrations touch different tables, so a database
  // migrated by one branch may meet an older-named migration of another: run it rather than refuse.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
