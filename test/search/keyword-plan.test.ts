import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planKeywordTiers, type CountedWord, type KeywordTier } from '../../src/search/keyword-plan.js';
import { parseQuery } from '../../src/search/query.js';
import { expressionParts } from '../../src/search/query.js';
import { buildExpression } from '../../src/search/sqlite-search.js';

const budget = { rows: 1000, postings: 20_000 };

function words(counts: Record<string, number>): CountedWord[] {
  return Object.entries(counts).map(([text, count]) => ({ term: { kind: 'word', text }, count }));
}

/** A tier as text: `all[a b]`, `any[a] +[b c]` (also scored), `all[a] &[b]` (also required), `title[a b c] all[a b]`. */
function show(tier: KeywordTier): string {
  const also = tier.alsoScored.length > 0 ? ` +[${tier.alsoScored.map((t) => t.text).join(' ')}]` : '';
  const required = tier.alsoRequired.length > 0 ? ` &[${tier.alsoRequired.map((t) => t.text).join(' ')}]` : '';
  const title = tier.inTitle.length > 0 ? `title[${tier.inTitle.map((t) => t.text).join(' ')}] ` : '';
  return `${title}${tier.join}[${tier.words.map((t) => t.text).join(' ')}]${also}${required}`;
}

describe('the keyword plan', () => {
  it('runs the exact tiers when the words are cheap together', () => {
    assert.deepEqual(planKeywordTiers(words({ robot: 300, grasping: 200 }), Infinity, budget).map(show), ['all[robot grasping]', 'any[robot grasping]']);
    assert.deepEqual(planKeywordTiers(words({ robot: 300 }), Infinity, budget).map(show), ['any[robot]']);
  });

  it('runs the exact tiers when a phrase or an author already bounds the matches', () => {
    const plan = planKeywordTiers(words({ learning: 50_000, model: 90_000 }), 40, budget);
    assert.deepEqual(plan.map(show), ['all[learning model]', 'any[learning model]']);
  });

  it('finds candidates by the rare words and scores them with the common ones too', () => {
    const plan = planKeywordTiers(words({ learning: 15_000, decentraland: 3, economy: 600, model: 90_000, parcel: 90 }), Infinity, budget);
    // "model" is beyond the postings budget: its share of the score is the smallest.
    assert.deepEqual(plan.map(show), ['all[decentraland parcel economy learning] &[model]', 'any[decentraland parcel economy] +[learning]']);
    const wider = planKeywordTiers(words({ learning: 15_000, decentraland: 3, economy: 1200, model: 90_000 }), Infinity, budget);
    assert.deepEqual(wider.map(show), ['all[decentraland economy learning] &[model]', 'any[decentraland] +[economy learning]']);
  });

  it('looks in titles first when every word is common', () => {
    const plan = planKeywordTiers(words({ large: 60_000, language: 59_000 }), Infinity, budget);
    assert.deepEqual(plan.map(show), ['title[large language] all[]', 'all[language] &[large]', 'any[language]']);
    assert.deepEqual(planKeywordTiers(words({ benchmark: 40_000 }), Infinity, budget).map(show), ['title[benchmark] all[]', 'any[benchmark]']);
    // A title of common words: if too few papers have them all in their title, the rarest finds more.
    const title = planKeywordTiers(words({ general: 5000, information: 8000, metrics: 3000, training: 9000 }), Infinity, budget);
    assert.deepEqual(title.map(show), ['title[general information metrics training] all[metrics general information]', 'all[metrics general information] &[training]', 'any[metrics] +[general information]']);
  });

  it('builds expressions that keep phrases, authors and exclusions in every tier', () => {
    const parsed = parseQuery('"graph neural" learning decentraland -survey author:Lovelace');
    const parts = expressionParts(parsed.terms, parsed.filters.authors);
    const learning = parts.words.filter((t) => t.text === 'learning');
    const decentraland = parts.words.filter((t) => t.text === 'decentraland');
    assert.equal(
      buildExpression({ ...parts, words: decentraland }, 'any'),
      '("graph neural" AND ("graph neural" OR "decentraland") AND {authors} : "Lovelace") NOT ("survey")',
    );
    assert.equal(
      buildExpression({ ...parts, words: decentraland }, 'all', { inTitle: [...learning, ...decentraland] }),
      '({title} : ("learning" AND "decentraland") AND "graph neural" AND "decentraland" AND {authors} : "Lovelace") NOT ("survey")',
    );
  });
});
