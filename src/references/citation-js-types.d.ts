/** The parts of citation-js (https://citation.js.org) Paperboy uses; the packages ship no types. */

declare module '@citation-js/core' {
  export interface CslName {
    given?: string;
    family?: string;
    literal?: string;
  }

  /** A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html), as far as we read and write it. */
  export interface CslItem {
    id?: string | number;
    type?: string;
    'citation-key'?: string;
    title?: string;
    author?: CslName[];
    issued?: { 'date-parts'?: (number | string)[][]; raw?: string };
    DOI?: string;
    URL?: string;
    number?: string | number;
    note?: string | string[];
    publisher?: string;
    'container-title'?: string;
    archive?: string;
    archive_location?: string;
    abstract?: string;
    [field: string]: unknown;
  }

  /** A BibTeX entry as citation-js holds it between the text and CSL. */
  export interface BibtexEntry {
    type: string;
    label: string;
    properties: Record<string, string | number>;
  }

  export const plugins: {
    input: {
      chain(input: unknown, options: { forceType: string; target?: string; generateGraph?: boolean }): unknown;
    };
    output: {
      format(name: string, data: CslItem[], options?: { format?: string }): unknown;
    };
    dict: { get(name: string): unknown };
    config: { get(name: string): Record<string, Record<string, unknown>> };
  };
}

declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-ris';

declare module '@citation-js/plugin-bibtex/lib/output/bibtex.js' {
  import type { BibtexEntry } from '@citation-js/core';
  /** Writes entries as BibTeX text with the given dictionary (`plugins.dict.get('text')`). */
  export function format(entries: BibtexEntry[], dict: unknown): string;
}
