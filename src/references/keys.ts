/**
 * Citation keys, the same for a paper in every export: `<family><year><word>`, all lower-case
 * ASCII letters and digits, as Google Scholar writes them: `vaswani2017attention`.
 *
 * - family: the first author's family name, its last word (`van Beethoven` → `beethoven`), with
 *   accents and letters such as ø and ß spelled in ASCII (`Rønnow` → `ronnow`); `anon` without one;
 * - year: of the first version (arXiv's submission date), else of the day it was listed;
 * - word: the title's first word that is not an article or preposition, LaTeX commands (`\alpha`)
 *   not counting as words (`paper` without one).
 *
 * Papers of one export that share a key are told apart by a suffix given in the order of their
 * arXiv ids, oldest first: the oldest keeps the bare key, the next gets `a`, then `b`. So a key
 * only changes when a paper with the same author, year and first word is exported with it, and
 * then the same way whatever the order of the list.
 */
import { nameParts } from '../papers/authors.js';
import type { Paper } from '../papers/paper.js';

const SKIPPED_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'to', 'and', 'at', 'by', 'with', 'from', 'is', 'are', 'do', 'does', 'how', 'what', 'why', 'when']);
/** Letters NFKD does not take apart. */
const SPELLED: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** The key of each paper, by id. */
export function citationKeys(papers: readonly Paper[]): Map<string, string> {
  const byBase = new Map<string, Paper[]>();
  for (const paper of papers) {
    const base = baseKey(paper);
    byBase.set(base, [...(byBase.get(base) ?? []), paper]);
  }
  const keys = new Map<string, string>();
  for (const [base, group] of byBase) {
    [...new Set(group)].sort((a, b) => compareIds(a.id, b.id)).forEach((paper, i) => keys.set(paper.id, i === 0 ? base : base + suffix(i - 1)));
  }
  return keys;
}

function baseKey(paper: Paper): string {
  const first = paper.authors[0];
  const parts = first === undefined ? null : nameParts(first);
  const family = parts === null ? '' : 'literal' in parts ? parts.literal : parts.family;
  const familyWord = ascii(family).split(' ').filter(Boolean).pop() ?? '';
  const year = (paper.published ?? paper.day).slice(0, 4);
  const word = ascii(paper.title.replace(/\\[a-zA-Z]+/g, ' ')).split(' ').find((w) => w !== '' && !SKIPPED_WORDS.has(w)) ?? '';
  return `${familyWord || 'anon'}${year}${word || 'paper'}`;
}

/** Lower-case ASCII words: accents dropped, other characters spaces. */
function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (ch) => SPELLED[ch] ?? ch)
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** 0 → a, 25 → z, 26 → aa. */
function suffix(n: number): string {
  return n < 26 ? String.fromCharCode(97 + n) : suffix(Math.floor(n / 26) - 1) + suffix(n % 26);
}

/** Older ids first: old-style ids (`hep-th/9901001`) before new ones, then by month and number. */
function compareIds(a: string, b: string): number {
  const rank = (id: string) => {
    const slash = id.indexOf('/');
    if (slash < 0) return `1${id}`;
    const digits = id.slice(slash + 1);
    return `0${Number(digits.slice(0, 2)) >= 91 ? '19' : '20'}${digits}${id}`;
  };
  const ra = rank(a);
  const rb = rank(b);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}
