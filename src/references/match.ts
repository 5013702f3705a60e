/**
 * Which catalog paper each entry of a library is: by arXiv id first, then by DOI, then by its
 * exact title (papers/match-keys.ts says what "exact" forgives). An entry left over gets the
 * reason, said with the strongest identifier it had.
 */
import { titleKey } from '../papers/match-keys.js';
import { findPapers } from '../store/paper-keys.js';
import type { Db } from '../store/schema.js';
import type { LibraryEntry } from './parse.js';

export type MatchedBy = 'arxiv' | 'doi' | 'title';

export interface EntryMatch {
  entry: LibraryEntry;
  paperId: string;
  by: MatchedBy;
}

export interface EntryMiss {
  entry: LibraryEntry;
  reason: string;
}

export async function matchEntries(db: Db, entries: readonly LibraryEntry[]): Promise<{ matched: EntryMatch[]; unmatched: EntryMiss[] }> {
  const found = await findPapers(db, {
    ids: entries.flatMap((e) => e.arxivIds),
    dois: entries.flatMap((e) => e.dois),
    titles: entries.flatMap((e) => titleKey(e.title) ?? []),
  });
  const matched: EntryMatch[] = [];
  const unmatched: EntryMiss[] = [];
  for (const entry of entries) {
    const byId = entry.arxivIds.find((id) => found.ids.has(id));
    const byDoi = entry.dois.map((doi) => found.byDoi.get(doi)).find((id) => id !== undefined);
    const key = titleKey(entry.title);
    const byTitle = key === null ? [] : (found.byTitle.get(key) ?? []);
    if (byId) matched.push({ entry, paperId: byId, by: 'arxiv' });
    else if (byDoi) matched.push({ entry, paperId: byDoi, by: 'doi' });
    else if (byTitle.length === 1) matched.push({ entry, paperId: byTitle[0]!, by: 'title' });
    else unmatched.push({ entry, reason: missReason(entry, byTitle.length) });
  }
  return { matched, unmatched };
}

function missReason(entry: LibraryEntry, sameTitle: number): string {
  if (entry.arxivIds.length > 0) return `arXiv:${entry.arxivIds.join(', arXiv:')} is not in this catalog (a member can submit it).`;
  if (sameTitle > 1) return `${sameTitle} papers in this catalog have this title; add the one you mean from its page.`;
  if (entry.dois.length > 0) return `No paper in this catalog has the DOI ${entry.dois.join(' or ')}${entry.title ? ' or this title' : ''}.`;
  if (entry.title) return 'No paper in this catalog has this title, and the entry has no arXiv id or DOI.';
  return 'The entry has no arXiv id, DOI or title to find it by.';
}
