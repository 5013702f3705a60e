import type { Period } from '../catalog/periods.js';
import { foldName } from '../papers/authors.js';
import type { Paper } from '../papers/paper.js';
import { categoryName } from '../papers/taxonomy.js';
import { followedActivity } from '../recommend/followed-activity.js';
import { Recommender, reasonText } from '../recommend/for-you.js';
import { compileSavedSearch, prepare, type PreparedPaper } from '../recommend/search-match.js';
import { papersOfPeriod } from '../ranking/period-papers.js';
import { categoryPasses } from '../search/query.js';
import { perStatement } from '../store/chunks.js';
import type { Db, DigestFrequency } from '../store/schema.js';
import type { DigestContent, DigestItem } from './content.js';
import { outboxKey } from './period.js';
import type { Reader } from './subscriptions.js';

export interface ComposeOptions {
  frequency: DigestFrequency;
  period: Period;
  readers: Reader[];
  maxPapers: number;
  now?: Date;
  /** Dry run: return the digests instead of writing them to the outbox. */
  write?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ComposedDigest {
  reader: Reader;
  key: string;
  content: DigestContent;
}

export interface ComposeReport {
  /** Digests written to the outbox by this run (or, in a dry run, made). */
  composed: ComposedDigest[];
  /** Readers whose digest for this period was already in the outbox. */
  alreadyComposed: number;
  /** Readers with nothing new: no mail. */
  nothingNew: number;
  candidates: number;
}

/** Trending papers in a digest that has personal ones too, and in one that has none. */
const TRENDING_BESIDE_PERSONAL = 5;
const TRENDING_ALONE = 10;
/** Readers composed, and written, per transaction. */
const BATCH = 250;

/**
 * Chooses each reader's papers for the period and writes one outbox row per reader, with the
 * papers it carries, in the same transaction: a paper once put in a reader's digest is never put
 * in another, and a second run for the same period finds the row and makes nothing.
 * Order of preference: alerts the reader asked for (categories, authors, saved searches), then
 * what the members and groups they follow upvoted and queued lately, then "for you" (members
 * only), then the period's trending papers.
 */
export async function composeDigests(db: Db, opts: ComposeOptions): Promise<ComposeReport> {
  const listing = await papersOfPeriod(db, opts.period, { limit: 1_000_000, offset: 0, ...(opts.now ? { now: opts.now } : {}) });
  const papers = listing.items.map((item) => item.paper);
  const report: ComposeReport = { composed: [], alreadyComposed: 0, nothingNew: 0, candidates: papers.length };
  if (papers.length === 0) {
    report.nothingNew = opts.readers.length;
    return report;
  }
  const alerts = new AlertIndex(papers);
  const follows = await followedAuthors(db, opts.readers);
  const members = opts.readers.some((r) => r.userId !== null);
  const recommender = members ? await Recommender.open(db, { candidatePaperIds: papers.map((p) => p.id) }) : null;
  // What followed members upvoted and followed groups queued over the digest's span, up to now.
  const activitySince = new Date((opts.now ?? new Date()).getTime() - (opts.frequency === 'daily' ? 1 : 7) * 24 * 3600_000).toISOString();

  for (let start = 0; start < opts.readers.length; start += BATCH) {
    if (opts.signal?.aborted) break;
    const batch = opts.readers.slice(start, start + BATCH);
    const existing = await existingKeys(db, batch.map((r) => outboxKey(opts.frequency, opts.period, r.id)));
    const wanted = new Map<Reader, DigestItem[]>();
    // The batch's members' votes, collections and follows, read together rather than member by member.
    const memberIds = batch.flatMap((r) => (r.userId !== null && !existing.has(outboxKey(opts.frequency, opts.period, r.id)) ? [r.userId] : []));
    if (recommender) await recommender.prefetch(memberIds);
    const activity = await followedActivity(db, memberIds, activitySince);
    for (const reader of batch) {
      const key = outboxKey(opts.frequency, opts.period, reader.id);
      if (existing.has(key)) {
        report.alreadyComposed++;
        continue;
      }
      const forYou = reader.userId !== null && recommender ? await recommender.forMember(reader.userId, { limit: opts.maxPapers, savedSearches: reader.searches }) : [];
      const followedLately = (activity.get(reader.userId ?? -1) ?? []).map((a) => ({ paperId: a.paperId, reason: reasonText(a.reason) }));
      wanted.set(reader, choose(reader, follows.get(reader.userId ?? -1) ?? [], alerts, followedLately, papers, forYou.map((r) => ({ paperId: r.paperId, reason: reasonText(r.reason) }))));
    }
    const sent = await sentBefore(db, [...wanted.keys()].map((r) => r.id), [...new Set([...wanted.values()].flat().map((w) => w.paperId))]);
    const digests: ComposedDigest[] = [];
    for (const [reader, items] of wanted) {
      const fresh = items.filter((item) => !sent.has(`${reader.id} ${item.paperId}`)).slice(0, opts.maxPapers);
      if (fresh.length === 0) report.nothingNew++;
      else digests.push({ reader, key: outboxKey(opts.frequency, opts.period, reader.id), content: { frequency: opts.frequency, period: opts.period, items: fresh } });
    }
    if (opts.write !== false) await writeDigests(db, digests, opts.now ?? new Date());
    report.composed.push(...digests);
    opts.onProgress?.(Math.min(start + BATCH, opts.readers.length), opts.readers.length);
  }
  return report;
}

/** The reader's papers in order of preference, each once, before leaving out those already sent. */
function choose(
  reader: Reader,
  followed: string[],
  alerts: AlertIndex,
  followedLately: Array<{ paperId: string; reason: string }>,
  ranked: Paper[],
  forYou: Array<{ paperId: string; reason: string }>,
): DigestItem[] {
  const items = new Map<string, DigestItem>();
  const add = (item: DigestItem) => {
    if (!items.has(item.paperId)) items.set(item.paperId, item);
  };
  for (const item of alerts.matches(reader, followed)) add(item);
  for (const r of followedLately) add({ paperId: r.paperId, section: 'alerts', reason: r.reason });
  for (const r of forYou) add({ paperId: r.paperId, section: 'for-you', reason: r.reason });
  const trending = items.size > 0 ? TRENDING_BESIDE_PERSONAL : TRENDING_ALONE;
  for (const paper of ranked.slice(0, trending)) add({ paperId: paper.id, section: 'trending', reason: 'Trending on Paperboy' });
  return [...items.values()];
}

/**
 * The period's papers indexed by category and author, and saved searches compiled once and
 * answered once per run: thousands of readers share a few hundred interests.
 */
class AlertIndex {
  private readonly byCategory = new Map<string, Paper[]>();
  private readonly byAuthor = new Map<string, Paper[]>();
  private readonly searches = new Map<string, Paper[]>();
  /** Tokenized lazily, once, the first time a saved search needs them. */
  private prepared: PreparedPaper[] | null = null;

  constructor(private readonly papers: Paper[]) {
    for (const paper of papers) {
      for (const c of paper.categories) push(this.byCategory, c, paper);
      for (const a of paper.authors) push(this.byAuthor, foldName(a), paper);
    }
  }

  matches(reader: Reader, followed: string[]): DigestItem[] {
    const out: DigestItem[] = [];
    const authors = new Map<string, string>();
    for (const author of [...reader.authors, ...followed]) if (!authors.has(foldName(author))) authors.set(foldName(author), author);
    for (const [key, author] of authors) {
      for (const p of this.byAuthor.get(key) ?? []) out.push({ paperId: p.id, section: 'alerts', reason: `By ${author}, whom you follow` });
    }
    for (const query of reader.searches) {
      for (const p of this.search(query)) out.push({ paperId: p.id, section: 'alerts', reason: `Matches your search “${query}”` });
    }
    for (const category of reader.categories) {
      const reason = `New in ${categoryName(category) ?? category} (${category})`;
      for (const p of this.inCategory(category)) out.push({ paperId: p.id, section: 'alerts', reason });
    }
    return out;
  }

  /** `cs.CL`, or a whole archive as `cs.*`. */
  private inCategory(category: string): Paper[] {
    if (!category.endsWith('.*')) return this.byCategory.get(category) ?? [];
    return this.papers.filter((p) => p.categories.some((c) => categoryPasses(category, c)));
  }

  private search(query: string): Paper[] {
    let found = this.searches.get(query);
    if (!found) {
      const matches = compileSavedSearch(query);
      this.prepared ??= this.papers.map((p) => prepare(p));
      const prepared = this.prepared;
      found = this.papers.filter((_, i) => matches(prepared[i]!));
      this.searches.set(query, found);
    }
    return found;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function followedAuthors(db: Db, readers: Reader[]): Promise<Map<number, string[]>> {
  const members = new Set(readers.flatMap((r) => (r.userId === null ? [] : [r.userId])));
  const follows = new Map<number, string[]>();
  if (members.size === 0) return follows;
  const rows = await db.selectFrom('author_follows').select(['user_id', 'author']).execute();
  for (const row of rows) if (members.has(row.user_id)) push(follows, row.user_id, row.author);
  return follows;
}

async function existingKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('mail_outbox').select('key').where('key', 'in', keys).execute();
  return new Set(rows.map((r) => r.key));
}

/** Which of these papers earlier digests carried to which of these readers, as `"<reader> <paper>"`. */
async function sentBefore(db: Db, readers: number[], papers: string[]): Promise<Set<string>> {
  const sent = new Set<string>();
  for (const someReaders of perStatement(readers)) {
    for (const somePapers of perStatement(papers)) {
      const rows = await db
        .selectFrom('digest_papers')
        .select(['subscription_id', 'paper_id'])
        .where('subscription_id', 'in', someReaders)
        .where('paper_id', 'in', somePapers)
        .execute();
      for (const r of rows) sent.add(`${r.subscription_id} ${r.paper_id}`);
    }
  }
  return sent;
}

async function writeDigests(db: Db, digests: ComposedDigest[], now: Date): Promise<void> {
  if (digests.length === 0) return;
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const ids = new Map<string, number>();
    const outboxRows = digests.map((d) => ({
      key: d.key,
      subscription_id: d.reader.id,
      kind: `digest-${d.content.frequency}`,
      period: d.content.period.key,
      content: JSON.stringify(d.content),
      status: 'queued' as const,
      attempts: 0,
      next_attempt_at: at,
      created_at: at,
    }));
    for (const part of perStatement(outboxRows)) {
      const rows = await trx
        .insertInto('mail_outbox')
        .values(part)
        // Another run got there first: its row (and its papers) stand.
        .onConflict((oc) => oc.column('key').doNothing())
        .returning(['id', 'key'])
        .execute();
      for (const row of rows) ids.set(row.key, row.id);
    }
    const carried = digests.flatMap((d) => {
      const outboxId = ids.get(d.key);
      return outboxId === undefined ? [] : d.content.items.map((item) => ({ subscription_id: d.reader.id, paper_id: item.paperId, outbox_id: outboxId }));
    });
    for (const part of perStatement(carried)) {
      await trx.insertInto('digest_papers').values(part).onConflict((oc) => oc.doNothing()).execute();
    }
  });
}
