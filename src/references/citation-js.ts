/**
 * The one place that talks to citation-js (https://citation.js.org), the library that reads and
 * writes BibTeX, RIS and CSL-JSON for us. Every call names its input format (`forceType`): left to
 * guess, citation-js would take a line that looks like a URL or DOI as something to fetch.
 */
import { plugins, type BibtexEntry, type CslItem } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
// The plugin's own writer of entries as text: entries come from its CSL mapping, and we add the
// arXiv fields (eprint, archivePrefix, primaryClass) that the mapping has no CSL variable for.
import { format as writeBibtexEntries } from '@citation-js/plugin-bibtex/lib/output/bibtex.js';

export type { BibtexEntry, CslItem };

/** CSL items as BibTeX entries, their values already escaped for BibTeX by citation-js. */
export function bibtexEntriesOf(items: CslItem[]): BibtexEntry[] {
  return plugins.output.format('bibtex', items, { format: 'object' }) as BibtexEntry[];
}

export function writeBibtex(entries: BibtexEntry[]): string {
  return writeBibtexEntries(entries, plugins.dict.get('text'));
}

/**
 * CSL items as RIS. citation-js maps the fields; we write the lines, because its text writer
 * breaks every value after 70 characters, mid-word, and readers join the pieces with a space
 * ("Attention Is All You Nee d"). RIS wants each tag on one line ending in CR LF.
 */
export function writeRis(items: CslItem[]): string {
  const records = plugins.output.format('ris', items, { format: 'object' }) as Record<string, string | number | (string | number)[]>[];
  return records
    .map(({ TY, ...tags }) => {
      const lines = Object.entries(tags).flatMap(([tag, value]) => [value].flat().map((v) => `${tag}  - ${String(v).replace(/\s+/g, ' ')}`));
      return [`TY  - ${String(TY)}`, ...lines, 'ER  - '].map((line) => `${line}\r\n`).join('');
    })
    .join('\r\n');
}

/** BibTeX or BibLaTeX text as entries with their fields as written (braces and LaTeX kept); throws on a syntax error. */
export function readBibtexEntries(text: string): BibtexEntry[] {
  return plugins.input.chain(text, { forceType: '@biblatex/text', target: '@biblatex/entries+list', generateGraph: false }) as BibtexEntry[];
}

/** Entries as CSL items: titles and names with LaTeX markup resolved. */
export function bibtexEntriesToCsl(entries: BibtexEntry[]): CslItem[] {
  return plugins.input.chain(entries, { forceType: '@biblatex/entries+list', generateGraph: false }) as CslItem[];
}

/** RIS records as CSL items; throws when the text is not RIS. */
export function readRis(text: string): CslItem[] {
  return plugins.input.chain(text, { forceType: '@ris/file', generateGraph: false }) as CslItem[];
}
