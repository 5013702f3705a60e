/**
 * A library file from a reference manager (Zotero, Mendeley, JabRef...) read into entries that
 * can be matched against the catalog: each entry's arXiv ids, DOIs and title. BibTeX/BibLaTeX,
 * RIS and CSL-JSON, told apart by their content; citation-js reads BibTeX and RIS.
 *
 * One bad entry never spoils the file: BibTeX is read an entry at a time and RIS a record at a
 * time, and an entry that cannot be read becomes a problem naming its line (and key, when it has
 * one); the others are read as usual.
 *
 * Where an arXiv id is found, as the exports write it: BibTeX `eprint` (with `archivePrefix` or
 * `eprinttype` arXiv, or none), Mendeley's `arxivId`, `arXiv:<id>` in `number`, `note` or
 * `journal`, arxiv.org addresses in `url`, `note` or `howpublished`, and arXiv's DOIs
 * (`10.48550/arXiv.<id>`); in RIS and CSL-JSON the same fields under their names there.
 */
import { z } from 'zod';
import { CommunityError } from '../community/errors.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { arxivIdOfDoi, doiKey } from '../papers/match-keys.js';
import { foldWhitespace } from '../papers/text.js';
import { bibtexEntriesToCsl, readBibtexEntries, readRis, type BibtexEntry, type CslItem } from './citation-js.js';
import type { ReferenceFormat } from './export.js';

export interface LibraryEntry {
  /** Where the entry is, for messages: `@article{Sen.2016.BV} (line 22)`, `RIS record 2 (line 17)`, `item 3 (Adams2001)`. */
  where: string;
  /** arXiv ids found in it, canonical, without version. */
  arxivIds: string[];
  /** DOIs other than arXiv's, as doiKey gives them. */
  dois: string[];
  title: string | null;
}

/** An entry that could not be read, and why. */
export interface LibraryProblem {
  where: string;
  message: string;
}

export interface ParsedLibrary {
  format: ReferenceFormat;
  entries: LibraryEntry[];
  problems: LibraryProblem[];
}

/** The largest library file an upload may be (the web layer enforces it while receiving): ten thousand entries with abstracts fit. */
export const MAX_LIBRARY_BYTES = 10_000_000;
/** More entries than any one library upload needs; a file with more is refused whole. */
export const MAX_LIBRARY_ENTRIES = 10_000;

/** BibTeX fields that hold arXiv ids in some exporter's hands, beside `eprint`. */
const BIBTEX_ID_FIELDS = ['arxivid', 'number', 'note', 'journal', 'journaltitle', 'howpublished', 'url', 'doi', 'pubstate'];
/** The same for CSL items (RIS records become CSL items too). */
const CSL_ID_FIELDS = ['URL', 'DOI', 'number', 'note', 'container-title', 'archive_location', 'publisher', 'source'];

const ID_PATTERN = String.raw`(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?`;
/** arXiv ids as they appear inside longer text: `arXiv:2206.07690`, `arxiv.org/abs/...`, `10.48550/arXiv....`. */
const IDS_IN_TEXT = new RegExp(String.raw`(?:arxiv:\s*|arxiv\.org\/(?:abs|pdf|html)\/|10\.48550\/arxiv\.)` + ID_PATTERN, 'gi');

export function parseLibrary(raw: string): ParsedLibrary {
  const text = raw.replace(/^\uFEFF/, '');
  const start = text.trimStart()[0];
  let parsed: ParsedLibrary;
  if (start === '[' || start === '{') parsed = parseCslJson(text);
  else if (/^TY {2}-/m.test(text)) parsed = parseRis(text);
  else if (/^\s*@\s*[a-z]+\s*[{(]/im.test(text)) parsed = parseBibtex(text);
  else throw new CommunityError('invalid', 'This file is not BibTeX, RIS or CSL-JSON: export your library in one of those formats and upload that file.', { field: 'file' });
  if (parsed.entries.length + parsed.problems.length > MAX_LIBRARY_ENTRIES) {
    throw new CommunityError('invalid', `This file has more than ${MAX_LIBRARY_ENTRIES} entries; upload it in parts.`, { field: 'file' });
  }
  return parsed;
}

// ---- BibTeX and BibLaTeX

function parseBibtex(text: string): ParsedLibrary {
  const lines = text.split(/\r\n?|\n/);
  const chunks: { line: number; text: string }[] = [];
  lines.forEach((line, i) => {
    if (/^\s*@/.test(line) || chunks.length === 0) chunks.push({ line: i + 1, text: line });
    else chunks[chunks.length - 1]!.text += `\n${line}`;
  });
  // `@string` abbreviations are used by entries after them: each entry is read with them before it.
  const strings = chunks.filter((c) => /^\s*@\s*string\s*[{(]/i.test(c.text)).map((c) => c.text).join('\n');
  const stringLines = strings === '' ? 0 : strings.split('\n').length;
  const entries: LibraryEntry[] = [];
  const problems: LibraryProblem[] = [];
  for (const chunk of chunks) {
    const head = /^\s*@\s*([a-z]+)\s*[{(]\s*([^,\s]*)/i.exec(chunk.text);
    if (!head || ['string', 'comment', 'preamble'].includes(head[1]!.toLowerCase())) continue;
    const where = `@${head[1]}{${head[2]}} (line ${chunk.line})`;
    let read: BibtexEntry[];
    try {
      read = readBibtexEntries(strings === '' ? chunk.text : `${strings}\n${chunk.text}`);
    } catch (error) {
      problems.push({ where, message: bibtexError(error, chunk.line - stringLines - 1) });
      continue;
    }
    if (read.length === 0) {
      problems.push({ where, message: 'This entry could not be read.' });
      continue;
    }
    for (const entry of read) entries.push(bibtexEntry(entry, read.length === 1 ? where : `@${entry.type}{${entry.label}} (line ${chunk.line})`));
  }
  return { format: 'bibtex', entries, problems };
}

function bibtexEntry(entry: BibtexEntry, where: string): LibraryEntry {
  const fields = entry.properties;
  const text = (name: string) => (fields[name] === undefined ? '' : String(fields[name]));
  const ids: string[] = [];
  const eprintType = (text('archiveprefix') || text('eprinttype')).toLowerCase();
  if (text('eprint') !== '' && (eprintType === '' || eprintType === 'arxiv')) ids.push(...arxivIdsOf(text('eprint'), true));
  for (const name of BIBTEX_ID_FIELDS) ids.push(...arxivIdsOf(text(name), name === 'arxivid'));
  let title: string | null = null;
  try {
    title = cslTitle(bibtexEntriesToCsl([entry])[0]);
  } catch {
    // A title citation-js cannot resolve is matched as written.
    title = text('title') || null;
  }
  return { where, arxivIds: unique(ids), dois: otherDois([text('doi'), text('url')]), title };
}

/** citation-js says `expected "text", got EOF at line 1 col 30:` and then draws the line; we keep the sentence, with the file's line. */
function bibtexError(error: unknown, lineOffset: number): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const sentence = first.replace(/:$/, '').replace(/ at line (\d+) col (\d+)/, (_, line: string, col: string) => ` at line ${Number(line) + lineOffset}, column ${col}`);
  return `This entry is not valid BibTeX (${sentence.replace(/\bEOF\b/, 'the end of the entry')}).`;
}

// ---- RIS

function parseRis(text: string): ParsedLibrary {
  const lines = text.split(/\r\n?|\n/);
  const entries: LibraryEntry[] = [];
  const problems: LibraryProblem[] = [];
  let record: { line: number; lines: string[] } | null = null;
  let count = 0;
  const finish = (closed: boolean) => {
    if (!record) return;
    const where = `RIS record ${++count} (line ${record.line})`;
    const body = record.lines.join('\n');
    record = null;
    if (!closed) {
      problems.push({ where, message: 'This record has no end (an `ER  -` line) before the next record or the end of the file.' });
      return;
    }
    let items: CslItem[];
    try {
      items = readRis(`${body}\n`);
    } catch (error) {
      problems.push({ where, message: `This record could not be read (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).` });
      return;
    }
    if (items.length !== 1) problems.push({ where, message: 'This record could not be read.' });
    else entries.push(cslEntry(items[0]!, where));
  };
  lines.forEach((line, i) => {
    if (/^TY {2}-/.test(line)) {
      finish(false);
      record = { line: i + 1, lines: [line] };
    } else if (record) {
      record.lines.push(line);
      if (/^ER {2}-/.test(line)) finish(true);
    }
  });
  finish(false);
  return { format: 'ris', entries, problems };
}

// ---- CSL-JSON

/** What we read of a CSL item; anything else in it is left alone. */
const cslItemSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string().optional(),
  DOI: z.string().optional(),
  URL: z.string().optional(),
  number: z.union([z.string(), z.number()]).optional(),
  note: z.string().optional(),
  'container-title': z.string().optional(),
});

function parseCslJson(text: string): ParsedLibrary {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : null;
    throw new CommunityError('invalid', `This file is not valid JSON${line === null ? '' : ` (line ${line})`}: ${message}.`, { field: 'file' });
  }
  const items = Array.isArray(data) ? data : [data];
  const entries: LibraryEntry[] = [];
  const problems: LibraryProblem[] = [];
  items.forEach((item, i) => {
    const parsed = cslItemSchema.safeParse(item);
    const id = typeof item === 'object' && item !== null && 'id' in item ? String((item as { id: unknown }).id) : null;
    const where = `item ${i + 1}${id ? ` (${id})` : ''}`;
    if (parsed.success) entries.push(cslEntry(parsed.data as CslItem, where));
    else problems.push({ where, message: `This is not a CSL item: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'the item'} ${issue.message}`).join('; ')}.` });
  });
  return { format: 'csl-json', entries, problems };
}

function cslEntry(item: CslItem, where: string): LibraryEntry {
  const ids: string[] = [];
  for (const name of CSL_ID_FIELDS) {
    const value = item[name];
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' || typeof v === 'number') ids.push(...arxivIdsOf(String(v), false));
  }
  return { where, arxivIds: unique(ids), dois: otherDois([item.DOI, item.URL]), title: cslTitle(item) };
}

// ---- shared

/** The arXiv ids in a field's text; a field that holds only an id (`eprint`) may give it bare. */
function arxivIdsOf(text: string, bare: boolean): string[] {
  if (text === '') return [];
  const ids = [...text.matchAll(IDS_IN_TEXT)].flatMap((m) => parseArxivId(m[1] ?? '')?.id ?? []);
  const alone = bare ? parseArxivId(text.trim())?.id : undefined;
  return alone ? [alone, ...ids] : ids;
}

function otherDois(values: (string | undefined)[]): string[] {
  return unique(values.flatMap((v) => (v !== undefined && arxivIdOfDoi(v) === null ? (doiKey(v) ?? []) : [])));
}

function cslTitle(item: CslItem | undefined): string | null {
  const title = typeof item?.title === 'string' ? foldWhitespace(item.title) : '';
  return title === '' ? null : title;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
