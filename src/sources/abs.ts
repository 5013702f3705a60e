/** arXiv `.abs` metadata files → PaperInput. */
import { RecordError, type PaperInput, type SourceItem } from '../papers/paper.js';

/*
 * Layout, as arXiv writes it:
 *
 *   ------------------------------------------------------------------------------
 *   \\
 *   arXiv:cs/0011004
 *   From: Name <email>
 *   Date: Sat, 4 Nov 2000 06:14:57 GMT   (9kb)
 *   Date (revised v2): Sun, 3 Dec 2000 08:09:58 GMT   (11kb,D)
 *
 *   Title: ...
 *   Authors: ...
 *     continuation lines are indented
 *   Categories: cs.CR
 *   \\
 *     Abstract ...
 *   \\
 */

const HEADER = /^([A-Za-z][A-Za-z-]*)(?: \(revised v(\d+)\))?:\s*(.*)$/;
const DATE_SIZE = /^(.*?)\s*\(([^()]*)\)\s*$/;

/**
 * Parses one `.abs` file. Never throws: a text without the `\\` header/abstract markers or
 * without an `arXiv:` line gives an error item.
 *
 * Header continuation lines are joined to their header with one space. Versions come from the
 * `Date:` (v1) and `Date (revised vN):` lines, with the size as arXiv gives it (`11kb`, without
 * the `,D`/`,I` source-type flags). A file with no `Categories:` line (some 1990s papers) gives
 * no categories; normalizing takes the archive from the id.
 */
export function parseAbs(text: string, where: string): SourceItem {
  const lines = text.split(/\r?\n/);
  const marks: number[] = [];
  for (let i = 0; i < lines.length; i++) if (/^\\\\\s*$/.test(lines[i] ?? '')) marks.push(i);
  if (marks.length < 2) {
    return { kind: 'error', error: new RecordError(where, 'file', 'not an arXiv .abs file (no \\\\ markers around the header)') };
  }
  const [open, close] = marks as [number, number];
  // The abstract runs to the last marker; a file cut before it keeps what is there.
  const end = marks.length >= 3 ? (marks[marks.length - 1] as number) : lines.length;

  const headers = new Map<string, string>();
  const versions: { version: number; date: string; size: string | null }[] = [];
  let last: { key: string; version: number | null } | null = null;
  const append = (key: string, version: number | null, value: string): void => {
    if (key === 'date') {
      const v = version === null ? versions[versions.length - 1] : versions.find((x) => x.version === version);
      if (v) v.date = joinWrapped(v.date, value);
      return;
    }
    headers.set(key, joinWrapped(headers.get(key) ?? '', value));
  };

  for (let i = open + 1; i < close; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const m = /^\s/.test(line) ? null : HEADER.exec(line);
    if (!m) {
      // An indented (or otherwise unlabelled) line continues the header above it.
      if (last) append(last.key, last.version, line.trim());
      continue;
    }
    const key = (m[1] ?? '').toLowerCase();
    const value = (m[3] ?? '').trim();
    if (key === 'date') {
      const version = m[2] !== undefined ? Number(m[2]) : 1;
      const ds = DATE_SIZE.exec(value);
      const size = ds ? (ds[2] ?? '').split(',')[0]?.trim() || null : null;
      versions.push({ version, date: ds ? (ds[1] ?? '').trim() : value, size });
      last = { key, version };
    } else if (headers.has(key)) {
      // Repeated headers (e.g. Proxy) keep the first value.
      last = null;
    } else {
      headers.set(key, value);
      last = { key, version: null };
    }
  }

  const rawId = headers.get('arxiv');
  if (rawId === undefined || rawId === '') {
    return { kind: 'error', error: new RecordError(where, 'id', 'no "arXiv:" line in the header') };
  }
  const id = rawId.split(/\s/)[0] ?? rawId;
  versions.sort((a, b) => a.version - b.version);

  const categories = headers.get('categories') || null;
  const primaryCategory = categories === null ? null : (categories.split(/\s+/)[0] ?? null);

  const abstract = lines
    .slice(close + 1, end)
    .join('\n')
    .trim();

  const input: PaperInput = {
    where,
    id,
    version: versions.length > 0 ? (versions[versions.length - 1]?.version ?? null) : null,
    title: headers.get('title') || null,
    abstract: abstract || null,
    authors: headers.get('authors') || null,
    categories,
    primaryCategory,
    published: versions[0]?.date ?? null,
    updated: versions.length > 0 ? (versions[versions.length - 1]?.date ?? null) : null,
    versions,
    comment: headers.get('comments') || null,
    journalRef: headers.get('journal-ref') || null,
    doi: headers.get('doi') || null,
    license: headers.get('license') || null,
  };
  return { kind: 'record', input };
}

function joinWrapped(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return `${a} ${b}`;
}
