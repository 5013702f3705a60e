import type { Generated, Insertable, Kysely, Selectable } from 'kysely';

/** Table types as the query layer sees them. Lists are stored as JSON text so a paper reads in one row. */
export interface PapersTable {
  id: string;
  version: number;
  title: string;
  abstract: string;
  authors: string;
  categories: string;
  primary_category: string;
  published: string | null;
  updated: string | null;
  day: string;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  license: string | null;
  links: string;
  created_at: string;
  modified_at: string;
  /** The title and DOI as an imported library's entries are matched against (papers/match-keys.ts); null when there is none. */
  title_key: string | null;
  doi_key: string | null;
}

export interface PaperVersionsTable {
  paper_id: string;
  version: number;
  date: string;
  size: string | null;
}

export interface PaperCategoriesTable {
  paper_id: string;
  category: string;
}

export interface HarvestCheckpointsTable {
  key: string;
  state: string;
  updated_at: string;
}

// ---- Community (migration 2026-11-27-community). Times are ISO 8601 UTC text, like the catalog's.

export interface UsersTable {
  id: Generated<number>;
  /** Lower-cased, so the unique index is case-insensitive on every database. */
  email: string;
  /** Lower-case handle for profile URLs. */
  username: string;
  display_name: string;
  password_hash: string;
  role: 'member' | 'admin';
  email_verified_at: string | null;
  suspended_at: string | null;
  created_at: string;
  /** 1 when the member shows their upvotes on their profile. */
  upvotes_public: Generated<number>;
  /** ORCID iD, normalized (`0000-0002-1825-0097`), checked by its check digit; null when none given. */
  orcid: Generated<string | null>;
}

export type AuthTokenPurpose = 'verify_email' | 'reset_password';

/** One-use tokens sent by email; only their SHA-256 is stored. */
export interface AuthTokensTable {
  token_hash: string;
  user_id: number;
  purpose: AuthTokenPurpose;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface VotesTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}

/** Counters written in the same transaction as the vote or comment they count. */
export interface PaperStatsTable {
  paper_id: string;
  upvotes: number;
  /** Comments neither deleted nor hidden. */
  comments: number;
}

export interface SubmissionsTable {
  paper_id: string;
  submitted_by: number;
  submitted_at: string;
  /** The day (YYYY-MM-DD, UTC) the submission puts the paper on. */
  day: string;
}

export interface CommentsTable {
  id: Generated<number>;
  paper_id: string;
  user_id: number;
  parent_id: number | null;
  /** Markdown as written; emptied when its author deletes it. */
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
}

export type ReportTarget = 'paper' | 'comment' | 'user';

export interface ReportsTable {
  id: Generated<number>;
  target_type: ReportTarget;
  /** A paper id, or a comment or user id as text. */
  target_id: string;
  reporter_id: number;
  reason: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
  resolution: string | null;
}

export interface CollectionsTable {
  id: Generated<number>;
  owner_id: number;
  name: string;
  slug: string;
  description: string;
  /** 1 public, 0 private (an integer, the same on SQLite and PostgreSQL). */
  is_public: number;
  created_at: string;
}

export interface CollectionPapersTable {
  collection_id: number;
  paper_id: string;
  added_at: string;
}

export interface HiddenPapersTable {
  paper_id: string;
  hidden_by: number;
  reason: string;
  hidden_at: string;
}

/** Append-only (SQLite refuses UPDATE and DELETE on it with triggers). */
export interface ModerationLogTable {
  id: Generated<number>;
  /** Null when the operator acted from the command line. */
  moderator_id: number | null;
  action: string;
  target_type: string;
  target_id: string;
  reason: string;
  at: string;
}

// ---- API tokens (migration 2026-11-28-api-tokens).

/** Personal API tokens; only their SHA-256 is stored. Revoked ones are kept, marked. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

// ---- Email (migration 2026-11-29-mail).

export type SubscriptionStatus = 'pending' | 'active' | 'unsubscribed' | 'bouncing';
export type DigestFrequency = 'daily' | 'weekly';

/** A reader who gets digests, with or without an account. Lists are JSON arrays of strings. */
export interface SubscriptionsTable {
  id: Generated<number>;
  /** Normalized (mail/address.ts): lower case, unique. */
  email: string;
  /** The member it belongs to, when there is one; their votes, collections and follows feed "for you". */
  user_id: number | null;
  status: SubscriptionStatus;
  frequency: DigestFrequency;
  categories: Generated<string>;
  authors: Generated<string>;
  /** Saved searches, in the search box's syntax. */
  searches: Generated<string>;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  bounced_at: string | null;
  bounce_reason: string | null;
  /** Part of every signed link; raising it voids the links already sent. */
  link_version: Generated<number>;
}

export interface AuthorFollowsTable {
  user_id: number;
  /** As written on papers: `Yann LeCun`. */
  author: string;
  created_at: string;
}

/** queued → sent; or bounced (5xx), failed (out of retries), cancelled (unsubscribed meanwhile). */
export type OutboxStatus = 'queued' | 'sent' | 'bounced' | 'failed' | 'cancelled';

/** Every digest is written here before it is sent; `key` (reader, kind, period) is unique. */
export interface MailOutboxTable {
  id: Generated<number>;
  key: string;
  subscription_id: number;
  /** `digest-daily` or `digest-weekly`. */
  kind: string;
  /** The period's key: `2026-11-25` or `2026-W48`. */
  period: string;
  /** JSON: what the mail carries (papers with their sections and reasons); rendered when sent. */
  content: string;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  message_id: string | null;
  created_at: string;
  sent_at: string | null;
}

/** Papers already put in a digest for a subscription, so no later digest repeats them. */
export interface DigestPapersTable {
  subscription_id: number;
  paper_id: string;
  outbox_id: number;
}

// ---- Digest runs (migration 2026-12-01-digest-runs).

/** A digest run that completed (not a dry run, not interrupted); `period` is the period's key. */
export interface DigestRunsTable {
  frequency: DigestFrequency;
  /** `2026-11-25` or `2026-W48`. */
  period: string;
  finished_at: string;
}

/** A listing day read from arXiv (migrations/2026-12-03-announcements.ts). */
export interface AnnouncementDaysTable {
  /** YYYY-MM-DD, as arXiv names the announcement. */
  day: string;
  /** `listed`: its papers are stored; `none`: arXiv announced nothing in the selected categories that day (a holiday, or a quiet day of a narrow selection). */
  status: 'listed' | 'none';
  /**
   * `feed`: the daily RSS feed; `oai`: caught up through OAI-PMH after downtime; `catalog`: a day of
   * the catalog's own papers, recorded when serve reads no announcements (catalog/catalog-days.ts).
   */
  source: 'feed' | 'oai' | 'catalog';
  /** Papers first listed that day (new and cross-listed). */
  listed: Generated<number>;
  /** Papers of earlier days that got a new version that day. */
  replaced: Generated<number>;
  read_at: string;
  /** When search embedded the day's papers; null until then. */
  embedded_at: string | null;
}

/** Papers listed with the announcement feed's data alone, waiting for their full record (migration 2026-12-03-feed-only-papers). */
export interface FeedOnlyPapersTable {
  paper_id: string;
  /** When the paper was listed from the feed. */
  listed_at: string;
  /** Times the export API was asked for it without returning it. */
  attempts: Generated<number>;
  /** When to ask again. */
  next_attempt_at: string;
}

// ---- Author claims (migration 2026-12-03-author-claims).

export type ClaimStatus = 'pending' | 'approved' | 'refused';

/** A member's claim to be one of a paper's authors; one per member and paper. */
export interface AuthorClaimsTable {
  id: Generated<number>;
  user_id: number;
  paper_id: string;
  /** The name as the paper writes it. */
  author_name: string;
  /** The name folded (papers/authors.ts `foldName`), as author pages look it up. */
  author_key: string;
  status: ClaimStatus;
  created_at: string;
  decided_at: string | null;
  /** The moderator who decided; null while pending, or when the operator's domain rule approved it. */
  decided_by: number | null;
}

export interface Database {
  papers: PapersTable;
  paper_versions: PaperVersionsTable;
  paper_categories: PaperCategoriesTable;
  harvest_checkpoints: HarvestCheckpointsTable;
  users: UsersTable;
  auth_tokens: AuthTokensTable;
  sessions: SessionsTable;
  votes: VotesTable;
  paper_stats: PaperStatsTable;
  submissions: SubmissionsTable;
  comments: CommentsTable;
  reports: ReportsTable;
  collections: CollectionsTable;
  collection_papers: CollectionPapersTable;
  hidden_papers: HiddenPapersTable;
  moderation_log: ModerationLogTable;
  api_tokens: ApiTokensTable;
  subscriptions: SubscriptionsTable;
  author_follows: AuthorFollowsTable;
  mail_outbox: MailOutboxTable;
  digest_papers: DigestPapersTable;
  digest_runs: DigestRunsTable;
  announcement_days: AnnouncementDaysTable;
  feed_only_papers: FeedOnlyPapersTable;
  author_claims: AuthorClaimsTable;
}

export type Db = Kysely<Database>;
export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
