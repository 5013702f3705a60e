import { stemmer } from 'stemmer';
import { STOPWORDS } from './stopwords.js';

/** LaTeX command names say how a formula is typeset, not what a paper is about. */
const LATEX_COMMAND = /\\[A-Za-z]+/g;
const WORD = /[\p{L}\p{N}]+/gu;

const stems = new Map<string, string>();

/**
 * Words of a text as the learned vectors see them: lower case, accents folded, stop words and
 * single characters dropped, Porter-stemmed (the same stemming as the keyword index).
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const folded = text.replace(LATEX_COMMAND, ' ').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  for (const match of folded.matchAll(WORD)) {
    const word = match[0];
    if (word.length < 2 || word.length > 40 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    let stem = stems.get(word);
    if (stem === undefined) {
      stem = stemmer(word);
      // The cache only helps for the common words; a catalog's long tail would just fill memory.
      if (stems.size < 200_000) stems.set(word, stem);
    }
    out.push(stem);
  }
  return out;
}
