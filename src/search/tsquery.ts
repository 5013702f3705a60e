/**
 * PostgreSQL tsquery text built from our own query structure (query.ts), as sqlite-search.ts
 * builds FTS5 expressions: the same tiers, phrases, prefixes, exclusions and fields. Nothing a
 * person typed becomes syntax: every operand is a run of letters and digits (the words
 * PostgreSQL's `paperboy` configuration and FTS5's unicode61 both read), quoted, and the whole
 * text reaches the database as one bound parameter of to_tsquery, which stems each operand with
 * the configuration the documents were indexed with.
 */
import type { ExpressionParts, Term } from './query.js';

/** Fields a part of a query can be held to: weight A is the title, B the authors (C the abstract). */
export type Field = 'title' | 'authors';
const LABELS: Record<Field, string> = { title: 'A', authors: 'B' };

/** The runs of letters and digits of a text: what both keyword indexes take for its words. */
export function wordPieces(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

function operand(piece: string, prefix: boolean, field: Field | null): string {
  const quoted = `'${piece.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const marks = `${prefix ? '*' : ''}${field ? LABELS[field] : ''}`;
  return marks === '' ? quoted : `${quoted}:${marks}`;
}

/**
 * A word, prefix or phrase: one operand, or its pieces side by side (`<->`) as FTS5 reads a quoted
 * string with punctuation inside ("off-policy"); a prefix applies to the last piece. Null when the
 * text has no letter or digit.
 */
export function termQuery(term: Term, field: Field | null = null): string | null {
  const pieces = wordPieces(term.text);
  if (pieces.length === 0) return null;
  const operands = pieces.map((piece, i) => operand(piece, term.kind === 'prefix' && i === pieces.length - 1, field));
  return operands.length === 1 ? operands[0]! : `(${operands.join(' <-> ')})`;
}

/** An author filter: the name's words side by side in the authors field. */
export function authorQuery(name: string): string | null {
  return termQuery({ kind: 'phrase', text: name }, 'authors');
}

function present(queries: (string | null)[]): string[] {
  return queries.filter((q): q is string => q !== null);
}

/**
 * The match of one keyword tier, as buildExpression (sqlite-search.ts) builds it for FTS5: `any`
 * needs one of the words (or a phrase), `all` every word; phrases, authors, the words `inTitle`
 * (in the title) and `alsoRequired` always; none of the excluded. Null when nothing is left to
 * look for.
 */
export function tierQuery(parts: ExpressionParts, join: 'any' | 'all', options: { inTitle?: Term[]; alsoRequired?: Term[] } = {}): string | null {
  const phrases = present(parts.phrases.map((t) => termQuery(t)));
  const optional = present(parts.words.map((t) => termQuery(t)));
  // An exclusion is matched as FTS5 matches a quoted string: its pieces side by side.
  const excluded = present(parts.excluded.map((t) => termQuery({ kind: 'phrase', text: t.text })));
  const inTitle = present((options.inTitle ?? []).map((t) => termQuery(t, 'title')));
  const positive: string[] = [...phrases];
  if (inTitle.length > 0) positive.unshift(`(${inTitle.join(' & ')})`);
  if (join === 'all') positive.push(...optional);
  else if (optional.length > 0) positive.push(`(${[...phrases, ...optional].join(' | ')})`);
  positive.push(...present(parts.authors.map(authorQuery)));
  if (positive.length === 0) return null;
  positive.push(...present((options.alsoRequired ?? []).map((t) => termQuery(t))));
  const expression = positive.join(' & ');
  return excluded.length > 0 ? `(${expression}) & !(${excluded.join(' | ')})` : expression;
}
