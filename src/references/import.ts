/**
 * A member's library from a reference manager, into one of their collections: read (parse.ts),
 * matched against the catalog (match.ts), and the papers found added in one transaction. Entries
 * that could not be read or found are reported, each with its place and reason; they never stop
 * the others. The collection's papers then count in "for you" like any the member collected.
 */
import { addPapersToCollection } from '../community/collections.js';
import type { Db } from '../store/schema.js';
import type { ReferenceFormat } from './export.js';
import { matchEntries, type EntryMatch, type EntryMiss } from './match.js';
import { parseLibrary, type LibraryProblem } from './parse.js';

export interface ImportReport {
  format: ReferenceFormat;
  /** Entries found in the file, read or not. */
  entries: number;
  matched: EntryMatch[];
  /** Paper ids newly in the collection, and those it already held. */
  added: string[];
  alreadyThere: string[];
  unmatched: EntryMiss[];
  problems: LibraryProblem[];
}

export async function importLibrary(db: Db, userId: number, collectionId: number, text: string, now = new Date()): Promise<ImportReport> {
  const library = parseLibrary(text);
  const { matched, unmatched } = await matchEntries(db, library.entries);
  const { added, alreadyThere } = await addPapersToCollection(db, userId, collectionId, matched.map((m) => m.paperId), now);
  return { format: library.format, entries: library.entries.length + library.problems.length, matched, added, alreadyThere, unmatched, problems: library.problems };
}
