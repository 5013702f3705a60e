import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstSentence } from '../../src/papers/text.js';

describe('the first sentence of an abstract, as a one-line summary', () => {
  it('ends at a full stop followed by a new sentence, not at an abbreviation, an initial or a decimal', () => {
    assert.equal(firstSentence('We study X, e.g. graphs, i.e. networks. Then Y.'), 'We study X, e.g. graphs, i.e. networks.');
    assert.equal(firstSentence('As J. Smith et al. showed, it works. We extend it.'), 'As J. Smith et al. showed, it works.');
    assert.equal(firstSentence('We reach 92.5% accuracy (Fig. 3). 12 datasets agree.'), 'We reach 92.5% accuracy (Fig. 3).');
    assert.equal(firstSentence('Does it work?  \n We show it does.'), 'Does it work?');
    assert.equal(firstSentence('We compute $O(n)$. $n$ is small.'), 'We compute $O(n)$.');
  });

  it('is the whole text when it has one sentence, and an excerpt when the first is too long', () => {
    assert.equal(firstSentence('A short abstract without a full stop'), 'A short abstract without a full stop');
    const long = `${'word '.repeat(100)}end. Next.`;
    assert.equal(firstSentence(long, 50), `${'word '.repeat(9)}word…`);
  });
});
