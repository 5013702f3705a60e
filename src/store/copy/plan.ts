/**
 * What `paperboy db copy` does with each table: every table of the SQLite database and of the
 * migrated PostgreSQL one is named here, copied or left out with the reason. A table a later
 * migration adds, or a column, that is not accounted for makes the copy refuse, naming it, rather
 * than move an instance without it. How rows move (columns, order, identity columns) is read from
 * the two schemas themselves.
 */

export interface CopiedTable {
  name: string;
  /**
   * Columns only PostgreSQL has, and how the copy fills them: SQL over the copied row (`s.<column>`)
   * and what `from` joins to it. Columns with a default may be left to it (`null`).
   */
  madeOnTarget?: { from: string; columns: Record<string, string | null> };
}

/** Copied in this order: a table comes after every table its foreign keys point to (checked). */
export const COPIED: readonly CopiedTable[] = [
  { name: 'papers' },
  { name: 'paper_versions' },
  { name: 'paper_categories' },
  // Papers listed from the announcement feed alone, still to be filled in from the export API.
  { name: 'feed_only_papers' },
  {
    // The doc numbers and vectors as they are (ties in search and the For you sample follow the
    // doc order); the keyword index PostgreSQL keeps in the row is made from the copied paper as
    // its trigger on papers makes it (migrations search and search-titles; the copy turns that
    // trigger off while it writes papers).
    name: 'search_docs',
    madeOnTarget: {
      from: 'JOIN papers p ON p.id = s.paper_id CROSS JOIN LATERAL paperboy_fts(p.title, p.authors, p.abstract) AS fts',
      columns: {
        fts: 'fts',
        length: 'paperboy_fts_length(fts)',
        title_fts: "to_tsvector('paperboy', paperboy_words(p.title))",
        changed_tx: null,
      },
    },
  },
  // The vectors of a model being switched to, by the same doc numbers.
  { name: 'next_vectors' },
  { name: 'embedding_models' },
  { name: 'harvest_checkpoints' },
  // Which of arXiv's announcement days were read and embedded: digests wait for them.
  { name: 'announcement_days' },
  { name: 'users' },
  { name: 'auth_tokens' },
  // Members stay signed in, if the new processes sign cookies with the same secret.
  { name: 'sessions' },
  { name: 'api_tokens' },
  { name: 'votes' },
  { name: 'paper_stats' },
  { name: 'submissions' },
  { name: 'comments' },
  { name: 'reports' },
  { name: 'collections' },
  { name: 'collection_papers' },
  { name: 'hidden_papers' },
  { name: 'moderation_log' },
  { name: 'featured_picks' },
  { name: 'author_claims' },
  // What the enrichment jobs learnt, and when they asked last (so they do not ask again at once).
  { name: 'paper_code' },
  { name: 'code_repos' },
  { name: 'code_repo_stars' },
  { name: 'hub_links' },
  { name: 'hub_lookups' },
  { name: 'paper_summaries' },
  // The day's use of the summaries' budget.
  { name: 'llm_usage' },
  { name: 'groups' },
  { name: 'group_members' },
  { name: 'group_invitations' },
  { name: 'group_queue' },
  { name: 'group_votes' },
  { name: 'group_sessions' },
  { name: 'group_session_papers' },
  { name: 'group_webhooks' },
  // With their states: no chat message is posted twice.
  { name: 'chat_deliveries' },
  { name: 'group_follows' },
  { name: 'member_follows' },
  { name: 'organisation_papers' },
  { name: 'subscriptions' },
  { name: 'author_follows' },
  // With their states, keys and the papers each reader was sent: the copy sends no digest twice.
  { name: 'mail_outbox' },
  { name: 'digest_papers' },
  { name: 'digest_runs' },
  // Settings made once by the first process (on SQLite none yet); `paperboy db copy` adds the secret.
  { name: 'instance_settings' },
];

/** Tables not copied, and why. SQLite's shadow tables go with their virtual table. */
export const LEFT_OUT: Readonly<Record<string, string>> = {
  kysely_migration: 'PostgreSQL records the migrations it ran itself',
  kysely_migration_lock: 'PostgreSQL records the migrations it ran itself',
  papers_fts: "SQLite's keyword index; PostgreSQL's is made from the papers as they are copied",
  rate_limits: 'counts of the last minutes that start again from zero; a SQLite site counts in memory',
};

/** Whether a table is one of Paperboy's (copied or left out), as opposed to anything else a database may hold. */
export function isPaperboyTable(name: string): boolean {
  return LEFT_OUT[name] !== undefined || COPIED.some((t) => t.name === name);
}

/** A table as one database describes it. */
export interface TableShape {
  name: string;
  columns: string[];
  /** Tables its foreign keys point to. */
  references: string[];
  /** SQLite: a table without a rowid, which the copy cannot read in batches. */
  withoutRowid?: boolean;
}

/** Why the copy will not start: the operator fixes the databases (or Paperboy fixes this plan). */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/** The copied tables and their columns, or a CopyRefused naming every table and column not accounted for. */
export function planCopy(source: TableShape[], target: TableShape[] | null): { table: CopiedTable; columns: string[] }[] {
  const problems: string[] = [];
  for (const t of source) if (!isPaperboyTable(t.name)) problems.push(`the SQLite table ${t.name} is not one db copy knows how to copy`);
  for (const t of target ?? []) if (!isPaperboyTable(t.name)) problems.push(`the PostgreSQL table ${t.name} is not one db copy knows how to fill`);

  const plan: { table: CopiedTable; columns: string[] }[] = [];
  const copiedSoFar = new Set<string>();
  for (const table of COPIED) {
    const from = source.find((t) => t.name === table.name);
    const to = target?.find((t) => t.name === table.name);
    if (!from) problems.push(`the SQLite database has no table ${table.name}`);
    if (target && !to) problems.push(`the PostgreSQL database has no table ${table.name}`);
    if (!from) continue;
    if (from.withoutRowid) problems.push(`the SQLite table ${table.name} has no rowid, which db copy reads it by`);
    for (const parent of from.references) {
      if (parent !== table.name && !copiedSoFar.has(parent)) problems.push(`${table.name} refers to ${parent}, which db copy does not copy before it`);
    }
    copiedSoFar.add(table.name);
    if (to) {
      const made = table.madeOnTarget?.columns ?? {};
      for (const c of from.columns) if (!to.columns.includes(c)) problems.push(`PostgreSQL's ${table.name} has no column ${c}`);
      for (const c of to.columns) {
        if (!from.columns.includes(c) && !(c in made)) problems.push(`PostgreSQL's ${table.name}.${c} is not in the SQLite database and db copy does not know how to fill it`);
      }
    }
    plan.push({ table, columns: from.columns });
  }
  if (problems.length > 0) throw new CopyRefused(`db copy cannot move this instance as it is:\n  ${problems.join('\n  ')}`);
  return plan;
}
