/**
 * Papers as the reference managers read them: BibTeX, RIS and CSL-JSON, written by citation-js
 * from one CSL item per paper. Every format carries the arXiv id (BibTeX: `eprint`,
 * `archivePrefix`, `primaryClass`; all three: `number = arXiv:<id>` and the abstract page's URL),
 * the DOI (the journal's when the paper has one, else arXiv's own `10.48550/arXiv.<id>`), and the
 * citation key of keys.ts, the same for a paper in every export.
 *
 * A function of a list of papers, so that any list (a collection, a search page, a group's queue)
 * exports the same way; who may see which papers is the caller's business.
 */
import { nameParts } from '../papers/authors.js';
import { arxivDoi, doiKey } from '../papers/match-keys.js';
import type { Paper } from '../papers/paper.js';
import { foldWhitespace } from '../papers/text.js';
import { arxivAbsUrl } from '../papers/urls.js';
import { bibtexEntriesOf, writeBibtex, writeRis, type CslItem } from './citation-js.js';
import { citationKeys } from './keys.js';

export type ReferenceFormat = 'bibtex' | 'ris' | 'csl-json';

/** Each format's file extension on our addresses, its media type and its name for people. */
export const REFERENCE_FORMATS: Record<ReferenceFormat, { extension: string; mediaType: string; label: string }> = {
  bibtex: { extension: 'bib', mediaType: 'application/x-bibtex; charset=utf-8', label: 'BibTeX' },
  ris: { extension: 'ris', mediaType: 'application/x-research-info-systems; charset=utf-8', label: 'RIS' },
  'csl-json': { extension: 'json', mediaType: 'application/vnd.citationstyles.csl+json; charset=utf-8', label: 'CSL-JSON' },
};

/** The format an address ends with (`bib`, `ris`, `json`), or null. */
export function formatOfExtension(extension: string): ReferenceFormat | null {
  const found = (Object.keys(REFERENCE_FORMATS) as ReferenceFormat[]).find((f) => REFERENCE_FORMATS[f].extension === extension);
  return found ?? null;
}

/** The papers, in the order given, as one file of the format. */
export function exportPapers(papers: readonly Paper[], format: ReferenceFormat): string {
  const keys = citationKeys(papers);
  const items = papers.map((paper) => cslItem(paper, keys.get(paper.id)!));
  if (format === 'csl-json') return `${JSON.stringify(items, null, 2)}\n`;
  // RIS has no type for a preprint: GEN ("generic") keeps the arXiv id in M1 and arXiv as publisher.
  if (format === 'ris') return writeRis(items.map((item) => ({ ...item, type: 'document' })));
  const entries = bibtexEntriesOf(items).map((entry, i) => {
    const paper = papers[i]!;
    // arXiv's own fields (arxiv.org/help/hypertex/bibstyles); ids and categories need no escaping.
    return { ...entry, type: 'misc', properties: { ...entry.properties, eprint: paper.id, archivePrefix: 'arXiv', primaryClass: paper.primaryCategory } };
  });
  return writeBibtex(entries);
}

/** CSL's `article` is its type for preprints, as Zotero writes them. */
function cslItem(paper: Paper, key: string): CslItem {
  const date = (paper.published ?? paper.day).slice(0, 10).split('-').map(Number);
  return {
    id: key,
    'citation-key': key,
    type: 'article',
    title: foldWhitespace(paper.title),
    author: paper.authors.map((name) => {
      const parts = nameParts(name);
      if ('literal' in parts) return parts;
      return parts.given === '' ? { family: parts.family } : { given: parts.given, family: parts.family, ...(parts.suffix ? { suffix: parts.suffix } : {}) };
    }),
    issued: { 'date-parts': [date] },
    DOI: (paper.doi !== null && doiKey(paper.doi) !== null ? paper.doi.trim().split(/[\s,;]+/)[0] : undefined) ?? arxivDoi(paper.id),
    URL: arxivAbsUrl(paper),
    number: `arXiv:${paper.id}`,
    publisher: 'arXiv',
    abstract: foldWhitespace(paper.abstract),
  };
}
