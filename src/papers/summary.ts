import { excerpt } from './text.js';

/**
 * The one-line summary a paper gets when no language model wrote one: a sentence of its own
 * abstract, the one that says what the paper does. Deterministic and free, and said as such
 * wherever it is shown (`source: 'extractive'`).
 *
 * The sentence chosen is the first that states the contribution ("we propose", "this paper
 * introduces", "in this work"); else the first that says what the authors did ("we ..."); else the
 * first sentence. Sentences shorter than MIN_SENTENCE_CHARS ("Code is available.") are passed over.
 */

/** Longest summary shown; a longer sentence is cut at a word with an ellipsis. */
export const MAX_SUMMARY_CHARS = 300;
const MIN_SENTENCE_CHARS = 40;

const CONTRIBUTION = /\b(?:we|this (?:paper|work|study|article|note)|here,? we|our (?:method|approach|framework|model|system))\b[^.]*?\b(?:propose|present|introduce|develop|design|describe|construct|formulate|establish)|\bin this (?:paper|work|study|article|note)\b/i;
const AUTHORS_DID = /\bwe\b/i;

/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'et al', 'al', 'vs', 'cf', 'fig', 'figs', 'eq', 'eqs', 'ref', 'refs', 'sec', 'approx', 'resp', 'etc', 'no', 'dr', 'prof', 'st']);

export function extractiveSummary(abstract: string): string {
  const sentences = splitSentences(abstract);
  const usable = sentences.filter((s) => s.length >= MIN_SENTENCE_CHARS);
  const chosen = usable.find((s) => CONTRIBUTION.test(s)) ?? usable.find((s) => AUTHORS_DID.test(s)) ?? usable[0] ?? sentences[0] ?? '';
  return excerpt(chosen, MAX_SUMMARY_CHARS);
}

/** Sentences of a text: a `.`, `!` or `?` followed by a space and a capital, digit or bracket ends one, unless it closes an abbreviation or an initial. */
export function splitSentences(text: string): string[] {
  const folded = text.replace(/\s+/g, ' ').trim();
  const out: string[] = [];
  let start = 0;
  const boundary = /[.!?]["')\]]?(?= [A-Z0-9(["'\\$])/g;
  for (let m = boundary.exec(folded); m !== null; m = boundary.exec(folded)) {
    const end = m.index + m[0].length;
    const before = folded.slice(start, m.index);
    const lastWord = /([A-Za-z.]+)$/.exec(before)?.[1] ?? '';
    if (m[0][0] === '.' && (ABBREVIATIONS.has(lastWord.toLowerCase().replace(/^.*\s/, '')) || /^[A-Z]$/.test(lastWord) || /et al$/i.test(before))) continue;
    out.push(folded.slice(start, end).trim());
    start = end + 1;
  }
  const rest = folded.slice(start).trim();
  if (rest !== '') out.push(rest);
  return out;
}
