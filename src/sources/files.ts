/** Reads a local file of any supported format, detected from its content. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { RecordError, type SourceItem } from '../papers/paper.js';
import { parseAbs } from './abs.js';
import { parseAtomFeed } from './atom.js';
import { FeedError } from './feed-error.js';
import { isGzip, openMaybeGzip, readJsonLines } from './jsonl.js';
import { parseOaiPage } from './oai-pmh.js';

export type SourceFormat = 'jsonl' | 'atom' | 'oai-pmh' | 'abs';

/** How many (decompressed) bytes format detection looks at. */
const HEAD_BYTES = 64 * 1024;

/**
 * Tells the format from the first bytes of a file (already gunzipped), or null when it is none
 * of the supported ones: JSON lines start with `{`; Atom and OAI-PMH by their root element
 * (`<feed>`, `<OAI-PMH>`, after any XML declaration, comments and doctype); `.abs` by its
 * `\\` marker line and `arXiv:` header.
 */
export function detectFormat(head: string): SourceFormat | null {
  let s = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  s = s.trimStart();
  if (s.startsWith('{')) return 'jsonl';
  if (s.startsWith('<')) {
    // Skip the XML declaration, processing instructions, comments and a doctype.
    const rest = s.replace(/^(?:\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>))*\s*/i, '');
    const m = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(rest);
    if (m?.[1] === 'feed') return 'atom';
    if (m?.[1] === 'OAI-PMH') return 'oai-pmh';
    return null;
  }
  if (/^(?:-{10,}\s*\n)?\\\\\s*\n\s*arXiv:/.test(s.replace(/\r\n/g, '\n'))) return 'abs';
  return null;
}

/** The first bytes of a file, gunzipped when it is gzip. */
async function readHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  const stream = await openMaybeGzip(path);
  try {
    for await (const chunk of stream) {
      parts.push(chunk);
      n += chunk.length;
      if (n >= HEAD_BYTES) break;
    }
  } catch {
    // A gzip cut short still has a head worth looking at; the reader reports the damage.
  }
  return Buffer.concat(parts);
}

/** Text of a whole (page-sized) file: UTF-8, or Latin-1 when it is not valid UTF-8 (some old .abs files). */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/**
 * Reads a file of arXiv metadata, whatever its format: JSON lines (streamed), an Atom API
 * response, an OAI-PMH response or an `.abs` file, plain or gzipped. The format comes from the
 * content, not the name. A file that is none of these, or XML that does not parse as its
 * format, yields one error item naming the file. Throws only when the file cannot be read.
 */
export async function* readSourceFile(path: string): AsyncIterable<SourceItem> {
  const head = await readHead(path);
  const format = detectFormat(head.toString('utf8'));
  if (format === null) {
    const start = head.subarray(0, 40).toString('utf8').trim().replace(/\s+/g, ' ');
    yield {
      kind: 'error',
      error: new RecordError(path, 'file', `not JSON lines, an Atom feed, an OAI-PMH response or an .abs file (starts "${start}")`),
    };
    return;
  }
  if (format === 'jsonl') {
    yield* readJsonLines(path);
    return;
  }

  let bytes = await readFile(path);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      yield { kind: 'error', error: new RecordError(path, 'file', `corrupt gzip: ${(e as Error).message}`) };
      return;
    }
  }
  const text = decode(bytes);
  if (format === 'abs') {
    yield parseAbs(text, path);
    return;
  }
  try {
    if (format === 'atom') {
      yield* parseAtomFeed(text, path).items;
    } else {
      const page = parseOaiPage(text, path);
      yield* page.items;
      if (page.error && page.error.code !== 'noRecordsMatch') {
        yield { kind: 'error', error: new RecordError(path, 'OAI-PMH', `${page.error.code}: ${page.error.message}`) };
      }
    }
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    yield { kind: 'error', error: new RecordError(path, 'file', e.reason) };
  }
}
