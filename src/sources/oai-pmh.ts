/** OAI-PMH responses (ListRecords / GetRecord, metadataPrefix=arXiv or arXivRaw) → PaperInput. */
import { RecordError, type PaperInput, type SourceItem } from '../papers/paper.js';
import { asNode, attr, child, int, list, loadFeedXml, text, type XmlNode } from './feed-error.js';

export { FeedError } from './feed-error.js';

export interface OaiPage {
  /** Records in document order; deleted records are left out. */
  items: SourceItem[];
  /** Token for the next page; null when the list is complete (no token, or an empty `<resumptionToken/>`). */
  resumptionToken: string | null;
  completeListSize: number | null;
  cursor: number | null;
  /** An OAI-PMH `<error code="...">` (noRecordsMatch, badResumptionToken, ...); reported here, not thrown. */
  error: { code: string; message: string } | null;
  responseDate: string | null;
}

/**
 * Parses one OAI-PMH response. Records are located as `where#record N` (N counted from 1 among
 * all `<record>`s, deleted ones included, so N matches the document).
 * Throws FeedError when the text is not OAI-PMH XML (empty, truncated, HTML page).
 */
export function parseOaiPage(xml: string, where: string): OaiPage {
  const root = loadFeedXml(xml, where, 'OAI-PMH', 'an OAI-PMH response');

  let error: OaiPage['error'] = null;
  const errors = list(root['error']);
  if (errors.length > 0) {
    const codes = errors.map((e) => attr(e, 'code') ?? 'unknown');
    const messages = errors.map((e) => text(e) ?? '').filter((m) => m !== '');
    error = { code: codes[0] ?? 'unknown', message: messages.join('; ') };
  }

  const container = asNode(child(root, 'ListRecords')) ?? asNode(child(root, 'GetRecord'));
  const items: SourceItem[] = [];
  let resumptionToken: string | null = null;
  let completeListSize: number | null = null;
  let cursor: number | null = null;

  if (container) {
    list(container['record']).forEach((rec, i) => {
      const item = recordToItem(rec, `${where}#record ${i + 1}`);
      if (item) items.push(item);
    });
    const token = child(container, 'resumptionToken');
    if (token !== undefined) {
      resumptionToken = text(token);
      completeListSize = int(attr(token, 'completeListSize'));
      cursor = int(attr(token, 'cursor'));
    }
  }

  return { items, resumptionToken, completeListSize, cursor, error, responseDate: text(child(root, 'responseDate')) };
}

function recordToItem(rec: unknown, where: string): SourceItem | null {
  const node = asNode(rec);
  if (!node) return { kind: 'error', error: new RecordError(where, 'record', 'empty <record>') };
  const header = child(node, 'header');
  if (attr(header, 'status') === 'deleted') return null;
  const identifier = text(child(header, 'identifier'));

  const metadata = asNode(child(node, 'metadata'));
  if (!metadata) return { kind: 'error', error: new RecordError(where, 'metadata', 'record has no <metadata>') };
  const datestamp = text(child(header, 'datestamp'));
  const arXiv = asNode(child(metadata, 'arXiv'));
  if (arXiv) return { kind: 'record', input: { ...fromArxivFormat(arXiv, identifier, where), datestamp } };
  const raw = asNode(child(metadata, 'arXivRaw'));
  if (raw) return { kind: 'record', input: { ...fromArxivRawFormat(raw, identifier, where), datestamp } };
  const formats = Object.keys(metadata).filter((k) => !k.startsWith('@_') && !k.startsWith('#'));
  return {
    kind: 'error',
    error: new RecordError(where, 'metadata', `unsupported metadata format <${formats.join('>, <') || 'none'}>, expected arXiv`),
  };
}

function firstCategory(categories: string | null): string | null {
  if (categories === null) return null;
  const first = categories.trim().split(/\s+/)[0];
  return first === undefined || first === '' ? null : first;
}

/** metadataPrefix=arXiv: structured authors, created (v1 date) and updated (latest version date). */
function fromArxivFormat(m: XmlNode, identifier: string | null, where: string): PaperInput {
  const authors: string[][] = [];
  for (const a of list(asNode(child(m, 'authors'))?.['author'])) {
    const keyname = text(child(a, 'keyname')) ?? '';
    const forenames = text(child(a, 'forenames')) ?? '';
    const suffix = text(child(a, 'suffix')) ?? '';
    if (keyname !== '' || forenames !== '') authors.push([keyname, forenames, suffix]);
  }
  const categories = text(child(m, 'categories'));
  return {
    where,
    id: text(child(m, 'id')) ?? identifier,
    title: text(child(m, 'title')),
    abstract: text(child(m, 'abstract')),
    authors,
    categories,
    primaryCategory: firstCategory(categories),
    published: text(child(m, 'created')),
    updated: text(child(m, 'updated')),
    comment: text(child(m, 'comments')),
    journalRef: text(child(m, 'journal-ref')),
    doi: text(child(m, 'doi')),
    license: text(child(m, 'license')),
  };
}

/** metadataPrefix=arXivRaw: an authors string and one `<version version="vN">` per version with date and size. */
function fromArxivRawFormat(m: XmlNode, identifier: string | null, where: string): PaperInput {
  const versions: { version: string; date: string; size: string | null }[] = [];
  for (const v of list(m['version'])) {
    const version = attr(v, 'version');
    const date = text(child(v, 'date'));
    if (version !== null && date !== null) versions.push({ version, date, size: text(child(v, 'size')) });
  }
  let latest: number | null = null;
  for (const v of versions) {
    const n = int(v.version.replace(/^v/i, ''));
    if (n !== null && (latest === null || n > latest)) latest = n;
  }
  const categories = text(child(m, 'categories'));
  return {
    where,
    id: text(child(m, 'id')) ?? identifier,
    version: latest,
    title: text(child(m, 'title')),
    abstract: text(child(m, 'abstract')),
    authors: text(child(m, 'authors')),
    categories,
    primaryCategory: firstCategory(categories),
    published: versions[0]?.date ?? null,
    updated: versions.length > 0 ? (versions[versions.length - 1]?.date ?? null) : null,
    versions,
    comment: text(child(m, 'comments')),
    journalRef: text(child(m, 'journal-ref')),
    doi: text(child(m, 'doi')),
    license: text(child(m, 'license')),
  };
}
