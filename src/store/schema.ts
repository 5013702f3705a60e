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
  /** 1 for the accounts that stand for the demo catalog's votes and submissions; they cannot sign in. */
  is_demo: Generated<number>;
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

/**
 * Every digest is written here before it is sent; `key` (reader, kind, period) is unique. The
 * reader is a subscription, or (a group digest, migration 2026-12-03-groups) a member of a group.
 */
export interface MailOutboxTable {
  id: Generated<number>;
  key: string;
  /** Null for a group digest. */
  subscription_id: number | null;
  /** A group digest's group and member; null for every other mail. */
  group_id: number | null;
  user_id: number | null;
  /** `digest-daily`, `digest-weekly` or `group-digest`. */
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
  /** `group-weekly` for the groups' weekly digests. */
  frequency: DigestFrequency | 'group-weekly';
  /** `2026-11-25` or `2026-W48`. */
  period: string;
  finished_at: string;
}

// ---- Featured papers (migration 2026-12-03-featured).

/** A moderator's pick: the paper is featured on its listing day's page. */
export interface FeaturedPicksTable {
  paper_id: string;
  day: string;
  /** Null when the operator (command line, demo catalog) picked it. */
  picked_by: number | null;
  picked_at: string;
}

// ---- Shared by the processes of one instance (migration 2026-12-03-processes).

/** A rate limit's count (store/rate-limits.ts): `hits` in the window that ends at `resets_at`. */
export interface RateLimitsTable {
  key: string;
  hits: number;
  /** Milliseconds since 1970. */
  resets_at: number;
}

/** Settings one process makes and every other one reads (store/instance-settings.ts). */
export interface InstanceSettingsTable {
  name: string;
  value: string;
}

// ---- Enrichment (migrations 2026-12-03-code-repos, -hub-links, -summaries).

/** The code link each paper names, read from its links; `repo` (`owner/name`) when it is on GitHub. */
export interface PaperCodeTable {
  paper_id: string;
  code_url: string | null;
  repo: string | null;
  /** The paper's `modified_at` when its links were read. */
  paper_modified_at: string;
}

/** pending: not asked yet; ok: stars are current as of checked_at; missing: GitHub answered 404, 410 or 451. */
export type CodeRepoStatus = 'pending' | 'ok' | 'missing';

/** What GitHub's REST API last said about a repository. */
export interface CodeReposTable {
  repo: string;
  status: CodeRepoStatus;
  stars: number | null;
  pushed_at: string | null;
  created_at: string | null;
  etag: string | null;
  checked_at: string | null;
  next_check_at: string;
}

/** A repository's stars on a day (the last count seen that day). */
export interface CodeRepoStarsTable {
  repo: string;
  day: string;
  stars: number;
}

export type HubKind = 'model' | 'dataset' | 'space';

export interface HubLinksTable {
  paper_id: string;
  kind: HubKind;
  hub_id: string;
  likes: Generated<number>;
  downloads: number | null;
}

export interface HubLookupsTable {
  paper_id: string;
  checked_at: string;
}

export interface PaperSummariesTable {
  paper_id: string;
  status: 'done' | 'failed';
  summary: string | null;
  /** JSON array of strings. */
  keywords: string | null;
  model: string | null;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  updated_at: string;
}

/** Requests made to the language model on a day (UTC), counted against the daily budget. */
export interface LlmUsageTable {
  day: string;
  requests: Generated<number>;
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

// ---- Groups (migration 2026-12-03-groups).

export type GroupRole = 'owner' | 'admin' | 'member';
export type QueueState = 'to_read' | 'reading' | 'discussed';
export type ChatService = 'slack' | 'discord' | 'mattermost' | 'matrix';

export interface GroupsTable {
  id: Generated<number>;
  /** The group's address, `/groups/<slug>`: lower case, unique, never one of the reserved words. */
  slug: string;
  name: string;
  description: string;
  /** 1 public, 0 private: a private group is seen by its members only. */
  is_public: number;
  /** 1 when the group is an organisation: papers its members tag show on its page. */
  is_organisation: Generated<number>;
  created_by: number | null;
  created_at: string;
}

/** A group has exactly one owner (a unique partial index holds it). */
export interface GroupMembersTable {
  group_id: number;
  user_id: number;
  role: GroupRole;
  joined_at: string;
  /** 1 when the member wants the group's weekly digest. */
  digest: Generated<number>;
  /** Part of the member's signed digest and feed links for this group; raising it voids them. */
  link_version: Generated<number>;
}

/** An invitation works once (`used_at`), until `expires_at`, and while its inviter may still invite. */
export interface GroupInvitationsTable {
  id: Generated<number>;
  group_id: number;
  invited_by: number;
  /** The address it was mailed to; null for a link handed out by the inviter. */
  email: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: number | null;
}

export interface GroupQueueTable {
  group_id: number;
  paper_id: string;
  /** Null when the proposer's account is gone. */
  proposed_by: number | null;
  note: string;
  state: QueueState;
  /** The group's votes for it, changed in the transaction of each vote (queue.ts). */
  votes: Generated<number>;
  added_at: string;
  state_changed_at: string;
}

export interface GroupVotesTable {
  group_id: number;
  paper_id: string;
  user_id: number;
  created_at: string;
}

export interface GroupSessionsTable {
  id: Generated<number>;
  group_id: number;
  title: string;
  /** The start as an instant, ISO 8601 UTC; `time_zone` is where it is held (IANA). */
  starts_at: string;
  time_zone: string;
  duration_minutes: number;
  presenter_id: number | null;
  /** Markdown with math, as comments have. */
  notes: Generated<string>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  /** Raised on every change, for calendar programs (iCalendar SEQUENCE). */
  sequence: Generated<number>;
}

export interface GroupSessionPapersTable {
  session_id: number;
  paper_id: string;
  position: number;
}

export interface GroupWebhooksTable {
  id: Generated<number>;
  group_id: number;
  service: ChatService;
  /** A secret: never shown back in full, never logged. */
  url: string;
  created_by: number | null;
  created_at: string;
  last_ok_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

export type ChatDeliveryStatus = 'queued' | 'sent' | 'failed';

/** A message for one webhook, written with the change it tells of; `key` (event and webhook) is unique. */
export interface ChatDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  key: string;
  /** JSON: what to say (groups/chat.ts); shaped for the service when sent. */
  message: string;
  status: ChatDeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface GroupFollowsTable {
  user_id: number;
  group_id: number;
  created_at: string;
}

export interface MemberFollowsTable {
  follower_id: number;
  followed_id: number;
  created_at: string;
}

export interface OrganisationPapersTable {
  group_id: number;
  paper_id: string;
  tagged_by: number;
  tagged_at: string;
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
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_invitations: GroupInvitationsTable;
  group_queue: GroupQueueTable;
  group_votes: GroupVotesTable;
  group_sessions: GroupSessionsTable;
  group_session_papers: GroupSessionPapersTable;
  group_webhooks: GroupWebhooksTable;
  chat_deliveries: ChatDeliveriesTable;
  group_follows: GroupFollowsTable;
  member_follows: MemberFollowsTable;
  organisation_papers: OrganisationPapersTable;
  featured_picks: FeaturedPicksTable;
  paper_code: PaperCodeTable;
  code_repos: CodeReposTable;
  code_repo_stars: CodeRepoStarsTable;
  hub_links: HubLinksTable;
  hub_lookups: HubLookupsTable;
  paper_summaries: PaperSummariesTable;
  llm_usage: LlmUsageTable;
  rate_limits: RateLimitsTable;
  instance_settings: InstanceSettingsTable;
}

export type Db = Kysely<Database>;
export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
