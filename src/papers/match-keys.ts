/**
 * The keys a paper is found by when a reference manager's library names it without an arXiv id:
 * its DOI and its title, each reduced to one comparable form. The store keeps both keys beside
 * every paper (written with the paper), and an imported entry is looked up by the same functions.
 */
import { parseArxivId } from './arxiv-id.js';

const DOI = /^10\.\d{4,9}\/\S+$/;
/** `https://doi.org/…`, `http://dx.doi.org/…`, `doi:…`, as people and exports write DOIs. */
const DOI_WRAPPER = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i;
/** arXiv's own DOIs (DataCite), one per paper: `10.48550/arXiv.2206.07690`. */
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;

/**
 * A DOI as compared: unwrapped from a URL or `doi:` prefix, trimmed, lower case (DOIs are
 * case-insensitive). Null when it is not a DOI. A field holding several DOIs gives the first.
 */
export function doiKey(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const first = raw.trim().split(/[\s,;]+/)[0] ?? '';
  const doi = decodeURIComponentSafe(first.replace(DOI_WRAPPER, '')).toLowerCase();
  return DOI.test(doi) ? doi : null;
}

/** The arXiv id a DOI of arXiv's stands for (`10.48550/arXiv.2206.07690` → `2206.07690`), or null. */
export function arxivIdOfDoi(raw: string | null | undefined): string | null {
  const doi = doiKey(raw);
  const m = doi === null ? null : ARXIV_DOI.exec(doi);
  return m ? (parseArxivId(m[1] ?? '')?.id ?? null) : null;
}

/** arXiv's DOI for a paper, which every paper has even before (or without) a journal's. */
export function arxivDoi(id: string): string {
  return `10.48550/arXiv.${id}`;
}

/**
 * A title as compared, so that the same title written by arXiv, Zotero or JabRef gives one key:
 * accents, case, LaTeX markup (`{{BV}}`, `$\alpha$`, `\emph{}`), CSL's `<i>` tags, punctuation and whitespace do not
 * count. `R{\o}nnow`-style escapes in titles are rare enough to leave; two titles that differ only
 * in them do not match. Null when nothing is left (no title to match by).
 */
export function titleKey(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const key = raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // CSL-JSON's rich-text tags (`<i>`, `<b>`, `<sup>`, `<span class="nocase">`) are markup, not words.
    .replace(/<\/?(?:i|b|sup|sub|sc|span)\b[^>]*>/g, ' ')
    // A LaTeX command's backslash goes; its name stays (`$\alpha$` and `alpha` agree).
    .replace(/\\(?=[a-z])/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return key === '' ? null : key;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
