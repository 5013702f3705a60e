/** JSON-lines files (plain or gzipped) of arXiv metadata → PaperInput, streamed. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RecordError, type PaperInput, type SourceItem } from '../papers/paper.js';

const NEWLINE = 0x0a;
/** Bigger chunks than the 16/64 KiB defaults: fewer async steps per MB. */
const CHUNK = 1 << 20;

/** True when the first bytes are the gzip magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Opens a file as a stream of (decompressed) bytes, gunzipping when its first bytes say gzip. */
export async function openMaybeGzip(path: string): Promise<AsyncIterable<Buffer>> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  if (!isGzip(head)) return raw;
  // pipeline: an early `break` by the reader (destroying gunzip) also closes the file.
  return pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => {
    /* errors reach the reader through the gunzip stream */
  });
}

/**
 * Streams a JSON-lines file, plain or gzipped (detected by its magic bytes, not its name).
 * Each non-blank line becomes a record, or an error item located `path:line` when it is not
 * JSON or not an object; reading goes on after it. A gzip stream that is corrupt or cut short
 * ends the iteration with one error item. Throws only when the file cannot be opened.
 *
 * Two layouts, recognized per line:
 * - the arxiv-cs-143k layout: `authors` a list of names, `categories` a list,
 *   `primary_category`, `published`/`updated` (`YYYY-MM-DD HH:MM:SS UTC` or null),
 *   `comment`, `listing_date`;
 * - the arXiv metadata snapshot (Kaggle) layout: `authors` a string and `authors_parsed`
 *   (`[last, first, suffix]`, preferred), `categories` a space-separated string, `comments`,
 *   `journal-ref`, `versions` (`[{version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT"}]`),
 *   `update_date`.
 */
export async function* readJsonLines(path: string): AsyncIterable<SourceItem> {
  const stream = await openMaybeGzip(path);
  let lineNo = 0;
  /** Bytes of a line that started in an earlier chunk. */
  let carry: Buffer[] = [];
  try {
    for await (const chunk of stream) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, start);
        if (nl < 0) break;
        lineNo++;
        let line: string;
        if (carry.length > 0) {
          carry.push(chunk.subarray(start, nl));
          line = Buffer.concat(carry).toString('utf8');
          carry = [];
        } else {
          line = chunk.toString('utf8', start, nl);
        }
        start = nl + 1;
        const item = parseLine(line, path, lineNo);
        if (item) yield item;
      }
      if (start < chunk.length) carry.push(chunk.subarray(start));
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') throw e;
    yield {
      kind: 'error',
      error: new RecordError(`${path}:${lineNo + 1}`, 'file', `cannot read further (${err.code ?? err.message}): ${err.message}`),
    };
    return;
  }
  if (carry.length > 0) {
    // Last line without a trailing newline.
    lineNo++;
    const item = parseLine(Buffer.concat(carry).toString('utf8'), path, lineNo);
    if (item) yield item;
  }
}

/** One line → an item, or null for a blank line. Exported for tests and for callers with lines in hand. */
export function parseLine(line: string, path: string, lineNo: number): SourceItem | null {
  // Strip a BOM on the first line and a CR of CRLF files.
  if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
  const where = `${path}:${lineNo}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    if (line.trim() === '') return null;
    return { kind: 'error', error: new RecordError(where, 'line', `not JSON: ${(e as Error).message}`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { kind: 'error', error: new RecordError(where, 'line', `not a JSON object but ${what}`) };
  }
  return jsonToItem(value as Record<string, unknown>, where);
}

/** One parsed JSON object, either layout, → an item. */
export function jsonToItem(o: Record<string, unknown>, where: string): SourceItem {
  const bad: string[] = [];
  const str = (key: string): string | null | undefined => {
    const v = o[key];
    if (v === undefined || v === null || typeof v === 'string') return v;
    bad.push(`${key} is ${Array.isArray(v) ? 'an array' : `a ${typeof v}`}, expected a string`);
    return undefined;
  };

  const input: PaperInput = { where };
  // Only fields the line has are set: a missing key stays missing, an explicit null stays null.
  const set = <K extends keyof PaperInput>(key: K, value: PaperInput[K] | undefined): void => {
    if (value !== undefined) input[key] = value;
  };
  /** The first of these keys the object has. */
  const strAny = (a: string, b: string): string | null | undefined => (o[a] !== undefined ? str(a) : str(b));

  set('id', str('id'));
  set('title', str('title'));
  set('abstract', str('abstract'));
  set('doi', str('doi'));
  set('license', str('license'));

  const isSnapshot =
    o['authors_parsed'] !== undefined || o['versions'] !== undefined || o['update_date'] !== undefined || o['submitter'] !== undefined;
  if (isSnapshot) {
    set('comment', strAny('comments', 'comment'));
    set('journalRef', strAny('journal-ref', 'journal_ref'));
    const categories = str('categories');
    set('categories', categories);
    set('primaryCategory', str('primary_category') ?? firstWord(categories));
    const parsed = stringTable(o['authors_parsed']);
    if (parsed !== null && parsed.length > 0) input.authors = parsed;
    else set('authors', str('authors'));
    const versions = snapshotVersions(o['versions']);
    if (versions === undefined) {
      bad.push('versions is not a list of {version, created} strings');
    } else if (versions !== null && versions.length > 0) {
      input.versions = versions;
      let latest = 0;
      for (const v of versions) {
        const n = Number(v.version.replace(/^v/i, ''));
        if (Number.isInteger(n) && n > latest) latest = n;
      }
      if (latest > 0) input.version = latest;
      input.published = versions[0]?.date ?? null;
      input.updated = versions[versions.length - 1]?.date ?? null;
    }
  } else {
    set('comment', strAny('comment', 'comments'));
    set('journalRef', strAny('journal_ref', 'journal-ref'));
    set('primaryCategory', str('primary_category'));
    set('published', str('published'));
    set('updated', str('updated'));
    set('listedOn', str('listing_date'));
    const authors = o['authors'];
    if (Array.isArray(authors)) {
      const names = stringList(authors) ?? stringTable(authors);
      if (names !== null) input.authors = names;
      else bad.push('authors is a list with non-string entries');
    } else {
      set('authors', str('authors'));
    }
    const categories = o['categories'];
    if (Array.isArray(categories)) {
      const list = stringList(categories);
      if (list !== null) input.categories = list;
      else bad.push('categories is a list with non-string entries');
    } else {
      set('categories', str('categories'));
    }
  }

  if (bad.length > 0) {
    const field = bad[0]?.split(' ')[0] ?? 'line';
    return { kind: 'error', error: new RecordError(where, field, bad.join('; ')) };
  }
  return { kind: 'record', input };
}

function firstWord(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  const sp = t.indexOf(' ');
  const w = sp < 0 ? t : t.slice(0, sp);
  return w === '' ? null : w;
}

function stringList(a: unknown[]): string[] | null {
  for (const x of a) if (typeof x !== 'string') return null;
  return a as string[];
}

function stringTable(a: unknown): string[][] | null {
  if (!Array.isArray(a)) return null;
  for (const row of a) {
    if (!Array.isArray(row)) return null;
    for (const x of row) if (typeof x !== 'string') return null;
  }
  return a as string[][];
}

/** Snapshot `versions`: a list, null when absent, undefined when malformed. */
function snapshotVersions(v: unknown): { version: string; date: string; size: null }[] | null | undefined {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return undefined;
  const out: { version: string; date: string; size: null }[] = [];
  for (const x of v) {
    if (typeof x !== 'object' || x === null) return undefined;
    const r = x as Record<string, unknown>;
    const version = r['version'];
    const created = r['created'];
    if (typeof version !== 'string' || typeof created !== 'string') return undefined;
    out.push({ version, date: created, size: null });
  }
  return out;
}
