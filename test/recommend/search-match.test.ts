import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileSavedSearch, prepare, PreparedPaper, type MatchablePaper } from '../../src/recommend/search-match.js';
import { readSourceFile } from '../../src/sources/files.js';
import { normalizePaper } from '../../src/papers/normalize.js';
import type { Paper } from '../../src/papers/paper.js';
import { arxivSample } from '../support/paths.js';

function paper(overrides: Partial<MatchablePaper> = {}): MatchablePaper {
  return {
    title: 'Graph Neural Networks for Molecule Property Prediction',
    abstract: 'We study message passing on molecular graphs. Our transformer-based encoder reaches the state of the art on three benchmarks.',
    authors: ['Yann LeCun', 'Zoë Müller-Schmidt'],
    categories: ['cs.LG', 'q-bio.BM'],
    day: '2025-03-14',
    ...overrides,
  };
}

const matches = (query: string, p: MatchablePaper = paper()) => compileSavedSearch(query)(p);

describe('saved searches matched in memory', () => {
  it('needs every word, stemmed as the keyword index stems them, in any field', () => {
    assert.ok(matches('graph neural'));
    assert.ok(matches('graphs network'), 'plural and singular are one stem');
    assert.ok(matches('predicting molecules'), 'predicting → predict, molecules → molecul');
    assert.ok(matches('lecun graph'), 'author names count as words, as in the keyword index');
    assert.ok(!matches('graph diffusion'), 'every word must appear');
    assert.ok(matches('GRAPH Neural'), 'case is ignored');
    assert.ok(matches('the graph of networks'), 'common words are not required');
    assert.ok(matches('transformer-based encoder'), 'a word with a hyphen, as written');
    assert.ok(!matches('transformer-free encoder'), 'its parts alone are not enough');
    assert.ok(!matches('off-policy evaluation', paper({ title: 'On-policy evaluation of agents', abstract: 'Nothing else.' })), '"off" is a stop word, but not inside "off-policy"');
    assert.ok(matches('the of'), 'a query of common words alone needs them...');
    assert.ok(!matches('the of', paper({ abstract: 'Short.' })), '...and they must be there');
  });

  it('matches phrases as consecutive words within one field', () => {
    assert.ok(matches('"graph neural networks"'));
    assert.ok(matches('"state of the art"'));
    assert.ok(matches('"message passing" molecular'));
    assert.ok(!matches('"neural graph"'), 'order matters');
    assert.ok(!matches('"state of art"'), 'words in between matter');
    assert.ok(!matches('"prediction we"'), 'a phrase does not run from the title into the abstract');
    assert.ok(matches('transformer-based'), 'a hyphenated word is its parts in a row');
    assert.ok(!matches('"art state"'));
  });

  it('matches prefixes against the start of words', () => {
    assert.ok(matches('molec*'));
    assert.ok(matches('transformer*'), 'the unstemmed word is there');
    assert.ok(matches('bench* graph'));
    assert.ok(!matches('quantu*'));
    assert.ok(matches('"message pass*"'), 'a phrase may end in a prefix');
    assert.ok(!matches('"passing mess*"'));
  });

  it('leaves out papers with an excluded word or phrase', () => {
    assert.ok(!matches('graph -molecule'));
    assert.ok(!matches('graph -"message passing"'));
    assert.ok(matches('graph -"passing message"'));
    assert.ok(matches('graph -survey'));
    assert.ok(!matches('-survey'), 'exclusions alone match nothing: an alert for everything is no alert');
  });

  it('applies cat:, author:, after: and before:', () => {
    assert.ok(matches('graph cat:cs.LG'));
    assert.ok(matches('graph cat:q-bio.BM'));
    assert.ok(matches('graph cat:cs.CV cat:cs.LG'), 'several categories mean any of them');
    assert.ok(!matches('graph cat:cs.CV'));
    assert.ok(matches('graph cat:cs', paper({ categories: ['cs'] })), 'an old paper filed under the bare archive is in it');
    assert.ok(!matches('graph cat:cs', paper({ categories: ['cs-xx.AI'] })), 'an archive is a whole name');
    assert.ok(matches('cat:cs'), 'a whole archive; filters alone match what passes them');
    assert.ok(!matches('cat:math'));
    assert.ok(matches('author:lecun'));
    assert.ok(matches('author:"Yann LeCun" graph'));
    assert.ok(matches('author:"zoe muller-schmidt"'), 'accents and case ignored');
    assert.ok(!matches('author:schmidt-muller'));
    assert.ok(!matches('author:"LeCun Yann"'));
    assert.ok(matches('graph after:2025-03-14 before:2025-03'));
    assert.ok(!matches('graph after:2025-03-15'));
    assert.ok(!matches('graph before:2025-02'));
    assert.ok(matches('graph cat:nonsense'), 'a filter not understood is left out, as in the search box');
  });

  it('tokenizes each paper once, whichever way it is given', () => {
    const p = paper();
    const prepared = prepare(p);
    assert.ok(prepared instanceof PreparedPaper);
    assert.equal(prepare(p), prepared, 'cached per paper object');
    assert.equal(prepare(prepared), prepared);
    const m = compileSavedSearch('"graph neural" cat:cs.LG');
    assert.equal(m(prepared), true);
    assert.equal(m(p), true);
  });

  it('never throws, whatever is typed', () => {
    const hostile = [
      '', ' ', '"', '""', '"unclosed phrase', 'AND OR (', '*', '**', 'NEAR(', ') OR (', '-', '--', '-"x"', '-*', 'title:foo',
      '{authors}: x', '\\', '%_', '\u0000', 'x\u0000y', '🙂 emoji', 'نموذج لغوي', 'cat:', 'author:', 'after:', 'after:99999-99-99',
      'before:2025-02-30', 'cat:"cs.CL', '((((((((', 'a'.repeat(5000), '"'.repeat(5000), 'word '.repeat(1000), '\u202e', 'constructor',
      '__proto__', 'author:__proto__', 'hasOwnProperty*', 'x*y', '*x',
      Array.from({ length: 5000 }, (_, i) => String.fromCharCode(33 + (i % 94))).join(''),
    ];
    const odd = paper({ title: '', abstract: '\u0000', authors: [], categories: [] });
    for (const q of hostile) {
      const m = compileSavedSearch(q);
      for (const p of [paper(), odd]) assert.equal(typeof m(p), 'boolean', JSON.stringify(q.slice(0, 30)));
    }
    assert.equal(compileSavedSearch(null as unknown as string)(paper()), false);
    assert.equal(compileSavedSearch('')(paper()), false);
  });

  it('agrees with plain text checks over real papers', async () => {
    const papers: Paper[] = [];
    for await (const item of readSourceFile(arxivSample)) {
      if (item.kind !== 'record') continue;
      try {
        papers.push(normalizePaper(item.input).paper);
      } catch {
        continue;
      }
      if (papers.length >= 1500) break;
    }
    assert.ok(papers.length >= 1000);
    const text = (p: Paper) => `${p.title} ${p.abstract}`.toLowerCase();
    const phrase = compileSavedSearch('"large language models"');
    const found = papers.filter((p) => phrase(p));
    assert.ok(found.length > 10);
    // "large language model" in any field, stemmed: the singular and plural both count.
    for (const p of found) assert.match(`${text(p)} ${p.authors.join(' ').toLowerCase()}`, /large[\s-]+language[\s-]+models?/);
    for (const p of papers) if (/large language models/.test(p.title.toLowerCase())) assert.ok(phrase(p), p.title);

    const both = compileSavedSearch('segmentation image cat:cs.CV -medical');
    const bothFound = papers.filter((p) => both(p));
    assert.ok(bothFound.length > 3);
    for (const p of bothFound) {
      assert.ok(p.categories.includes('cs.CV'));
      assert.match(text(p), /segment/);
      assert.match(text(p), /\bimag/);
      assert.doesNotMatch(text(p), /\bmedical\b/);
    }
  });
});
