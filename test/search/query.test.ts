import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reciprocalRankFusion } from '../../src/search/fusion.js';
import { expressionParts, MAX_QUERY_CHARS, mergeFilters, parseDay, parseQuery } from '../../src/search/query.js';
import { symmetricEigen, truncatedSvd, type Csr } from '../../src/search/svd.js';
import { ftsExpression } from '../../src/search/sqlite-search.js';
import { termQuery, tierQuery, wordPieces } from '../../src/search/tsquery.js';

describe('parsing what people type', () => {
  it('reads words, phrases, prefixes, exclusions and filters', () => {
    const q = parseQuery('graph "neural network" transform* -survey cat:cs.lg author:"Yann LeCun" after:2025-01 before:2025');
    assert.deepEqual(q.terms, [
      { kind: 'word', text: 'graph' },
      { kind: 'phrase', text: 'neural network' },
      { kind: 'prefix', text: 'transform' },
      { kind: 'exclude', text: 'survey' },
    ]);
    assert.deepEqual(q.filters, { categories: ['cs.LG'], authors: ['Yann LeCun'], after: '2025-01-01', before: '2025-12-31' });
    assert.equal(q.text, 'graph neural network transform');
    assert.deepEqual(q.notes, []);
  });

  it('takes a whole archive as a category and says what it could not use', () => {
    const q = parseQuery('cat:cs cat:nonsense after:2025-13-01 before: words');
    assert.deepEqual(q.filters.categories, ['cs.*']);
    // Old records use bare archives as categories, but cat: with an archive still means all of it.
    assert.deepEqual(parseQuery('cat:physics cat:ASTRO-PH cat:hep-th').filters.categories, ['physics.*', 'astro-ph.*', 'hep-th']);
    assert.equal(q.filters.after, null);
    assert.equal(q.notes.length, 3);
    assert.match(q.notes.join('\n'), /"nonsense" is not an arXiv category/);
    assert.match(q.notes.join('\n'), /"2025-13-01" is not a date/);
  });

  it('treats a quoted filter and an unknown key as plain text', () => {
    assert.deepEqual(parseQuery('"cat:cs.CL"').terms, [{ kind: 'phrase', text: 'cat:cs.CL' }]);
    assert.deepEqual(parseQuery('BERT: pretraining').terms, [
      { kind: 'word', text: 'BERT' },
      { kind: 'word', text: 'pretraining' },
    ]);
  });

  it('checks dates for real', () => {
    assert.equal(parseDay('2024-02-29', 'start'), '2024-02-29');
    assert.equal(parseDay('2025-02-29', 'start'), null);
    assert.equal(parseDay('2025-02', 'end'), '2025-02-28');
    assert.equal(parseDay('tomorrow', 'end'), null);
  });

  it('merges parameter filters into typed ones, keeping the narrower dates', () => {
    const typed = parseQuery('x after:2025-01-01 cat:cs.CL').filters;
    const merged = mergeFilters(typed, { after: '2025-03-01', before: '2025-06-30', categories: ['cs.CL'] });
    assert.deepEqual(merged, { categories: ['cs.CL'], authors: [], after: '2025-03-01', before: '2025-06-30' });
  });

  it('cuts very long queries and keeps at most 64 words, saying so', () => {
    const q = parseQuery(Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '));
    assert.equal(q.terms.length, 64);
    assert.match(q.notes.join(' '), new RegExp(`first ${MAX_QUERY_CHARS} characters`));
    assert.match(q.notes.join(' '), /first 64 words/);
  });
});

describe('the FTS5 expression', () => {
  const expr = (s: string) => ftsExpression(parseQuery(s).terms, parseQuery(s).filters.authors);

  it('quotes every word, so operators and brackets are only text', () => {
    assert.equal(expr('AND OR ( NEAR( x'), '("NEAR" OR "x")');
    assert.equal(expr('AND OR'), '("AND" OR "OR")');
    assert.equal(expr('say "he said ""hi"""'), '"he said hi" AND ("he said hi" OR "say")');
    assert.equal(expr('learn* the'), '("learn" *)');
  });

  it('leaves punctuation out of words, looks for a word with inner punctuation whole and in parts, and counts a word once', () => {
    // "of," is the stop word "of"; "(transformers)," is "transformers"; "models" repeats "model".
    assert.equal(expr('Of, the model (transformers), models. TNF-α'), '("model" OR "transformers" OR "TNF-α" OR "TNF" OR "α")');
    // Every word required: the whole "off-policy", so "on-policy" papers are not among them.
    assert.equal(ftsExpression(parseQuery('off-policy evaluation').terms, [], 'all'), '"off-policy" AND "policy" AND "evaluation"');
    // A stop word does not take the place of a word with the same stem; the semantic side gets the text as typed.
    assert.deepEqual(parseQuery('being human beings').terms.map((t) => t.text), ['being', 'human', 'beings']);
    assert.equal(parseQuery('universe, university').text, 'universe university');
    assert.deepEqual(
      parseQuery('-GPT-4 "GPT-4" self-sup*').terms,
      [
        { kind: 'exclude', text: 'GPT-4' },
        { kind: 'phrase', text: 'GPT-4' },
        { kind: 'prefix', text: 'self-sup' },
      ],
    );
  });

  it('is null when nothing is left to look for', () => {
    for (const s of ['"', '*', '(', '-x', '""', '   ', '-"a b"', '¿?']) assert.equal(expr(s), null, s);
  });

  it('keeps stop words when there is nothing else', () => {
    assert.equal(expr('the who'), '("the" OR "who")');
  });

  it('requires authors in their column and excludes what is excluded', () => {
    assert.equal(expr('robots -survey author:"Ada Lovelace"'), '(("robots") AND {authors} : "Ada Lovelace") NOT ("survey")');
  });
});

// The same queries for PostgreSQL (tsquery.ts): one quoted run of letters and digits per operand.
describe('the tsquery', () => {
  const q = (s: string, join: 'any' | 'all' = 'any') => {
    const parsed = parseQuery(s);
    return tierQuery(expressionParts(parsed.terms, parsed.filters.authors), join);
  };

  it('quotes every operand, so operators, brackets, quotes and backslashes are only text', () => {
    assert.equal(q('AND OR ( NEAR( x'), "('NEAR' | 'x')");
    assert.equal(q("it's a \\ & | ! <-> :* x"), "(('it' <-> 's') | 's' | 'x')");
    assert.equal(termQuery({ kind: 'word', text: "l'\\eau" }), "('l' <-> 'eau')");
    assert.equal(q('say "he said ""hi"""'), "('he' <-> 'said' <-> 'hi') & (('he' <-> 'said' <-> 'hi') | 'say')");
  });

  it('makes prefixes, phrases, words with punctuation inside, fields and exclusions', () => {
    assert.equal(q('learn* the'), "('learn':*)");
    assert.equal(q('self-sup*'), "(('self' <-> 'sup':*))");
    assert.equal(q('off-policy evaluation', 'all'), "('off' <-> 'policy') & 'policy' & 'evaluation'");
    assert.equal(q('robots -survey -"large language" author:"Ada Lovelace"'), "(('robots') & ('Ada':B <-> 'Lovelace':B)) & !('survey' | ('large' <-> 'language'))");
    assert.equal(tierQuery({ phrases: [], words: [{ kind: 'word', text: 'graph' }], excluded: [], authors: [] }, 'any', { inTitle: [{ kind: 'word', text: 'neural' }], alsoRequired: [{ kind: 'word', text: 'net' }] }), "('neural':A) & ('graph') & 'net'");
    assert.equal(termQuery({ kind: 'prefix', text: 'transf' }, 'title'), "'transf':*A");
  });

  it('keeps letters of every script and leaves out what is not a letter or a digit', () => {
    assert.equal(q('naïve Москва 北京 GPT-4'), "('naïve' | 'Москва' | '北京' | ('GPT' <-> '4') | 'GPT' | '4')");
    assert.deepEqual(wordPieces('x\u0000y 🙂 a_b'), ['x', 'y', 'a', 'b']);
  });

  it('is null when nothing is left to look for', () => {
    for (const s of ['"', '*', '(', '-x', '""', '   ', '-"a b"', '¿?']) assert.equal(q(s), null, s);
  });
});

describe('reciprocal rank fusion', () => {
  it('adds 1/(60 + rank) from each list and keeps what only one list found', () => {
    const fused = reciprocalRankFusion([[{ doc: 1 }, { doc: 2 }], [{ doc: 2 }, { doc: 3 }]]);
    assert.deepEqual(
      fused.map((f) => f.doc),
      [2, 1, 3],
    );
    assert.equal(fused[0]!.score, 1 / 62 + 1 / 61);
    assert.deepEqual(fused[2]!.ranks, [null, 2]);
  });
});

describe('truncated SVD', () => {
  it('finds the top singular values of a sparse matrix', () => {
    // A 30 × 20 matrix with a few nonzeros per row.
    const rows: [number, number][][] = Array.from({ length: 30 }, (_, r) => [
      [r % 20, 1 + (r % 3)],
      [(r * 7) % 20, 0.5],
      [(r * 3 + 1) % 20, r / 30],
    ]);
    const dense = new Float64Array(30 * 20);
    for (const [r, row] of rows.entries()) for (const [c, v] of row) dense[r * 20 + c]! += v;
    const rowPtr = new Int32Array(31);
    const colIdx: number[] = [];
    const values: number[] = [];
    for (let r = 0; r < 30; r++) {
      for (let c = 0; c < 20; c++) {
        if (dense[r * 20 + c] !== 0) {
          colIdx.push(c);
          values.push(dense[r * 20 + c]!);
        }
      }
      rowPtr[r + 1] = colIdx.length;
    }
    const a: Csr = { rows: 30, cols: 20, rowPtr, colIdx: Int32Array.from(colIdx), values: Float32Array.from(values) };
    // Exact: eigenvalues of AᵀA are the squared singular values.
    const ata = new Float64Array(400);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) for (let r = 0; r < 30; r++) ata[i * 20 + j]! += dense[r * 20 + i]! * dense[r * 20 + j]!;
    const exact = symmetricEigen(ata, 20).values.map(Math.sqrt);
    const svd = truncatedSvd(a, { k: 5, powerIterations: 2 });
    for (let j = 0; j < 5; j++) assert.ok(Math.abs(svd.values[j]! - exact[j]!) < 1e-3 * exact[0]!, `σ${j}: ${svd.values[j]} vs ${exact[j]}`);
  });
});

describe('author names', () => {
  it('match whole words in order within one name, ignoring case and accents', async () => {
    const { matchesAuthors } = await import('../../src/search/query.js');
    assert.ok(matchesAuthors(['Yann LeCun', 'Yoshua Bengio'], ['yann lecun']));
    assert.ok(matchesAuthors(['Yann LeCun'], ['LeCun']));
    assert.ok(matchesAuthors(['José Núñez'], ['jose nunez']));
    assert.ok(!matchesAuthors(['Yann LeCun', 'Yoshua Bengio'], ['LeCun Yoshua']));
    assert.ok(!matchesAuthors(['Yu-Yang Liu'], ['Yang Liu']));
    assert.ok(!matchesAuthors(['Yann LeCun'], ['Cun']));
  });
});
