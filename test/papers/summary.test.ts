import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractiveSummary, MAX_SUMMARY_CHARS, splitSentences } from '../../src/papers/summary.js';
import { recordingPath } from '../support/recordings.js';

/** Real abstracts: those of a recorded daily-papers answer (test/fixtures/hf-hub). */
const RECORDED = JSON.parse(readFileSync(recordingPath('hf-hub', 'daily_papers.2026-06-12.trimmed-5-of-30.json'), 'utf8')) as Array<{ paper: { id: string; summary: string } }>;
const abstractOf = (id: string) => RECORDED.find((e) => e.paper.id === id)!.paper.summary;

describe('extractive summary', () => {
  it('takes the sentence that states the contribution', () => {
    assert.equal(
      extractiveSummary(abstractOf('2606.00467')),
      "Crucially, we introduce Definition-Specific Familiarity (DSF), which measures alignment between a model's internal concept and the task definition.",
    );
    assert.equal(
      extractiveSummary(abstractOf('2606.13594')),
      'Motivated by this, we propose dense alignment for heterogeneous KV-cache communication via a lightweight cross-model cache transformation and two-phase training: reconstruction followed by generation.',
    );
  });

  it(`cuts a long sentence at a word, within ${MAX_SUMMARY_CHARS} characters`, () => {
    const summary = extractiveSummary(abstractOf('2606.10423'));
    assert.ok(summary.length <= MAX_SUMMARY_CHARS + 1, String(summary.length));
    assert.ok(summary.startsWith('We introduce WebChallenger, a web agent framework'));
    assert.ok(summary.endsWith('…'));
  });

  it('splits sentences, not abbreviations, initials or numbers', () => {
    assert.deepEqual(splitSentences('Prior work (Smith et al. 2020) fails, e.g. on Fig. 3 with 34.8% accuracy. We fix it! Does R. Michael agree? Yes.'), [
      'Prior work (Smith et al. 2020) fails, e.g. on Fig. 3 with 34.8% accuracy.',
      'We fix it!',
      'Does R. Michael agree?',
      'Yes.',
    ]);
  });

  it('falls back to a sentence by the authors, then to the first, and never returns more than the abstract holds', () => {
    assert.equal(extractiveSummary('Large models are everywhere in the field today. In our experiments we show that they forget quickly.'), 'In our experiments we show that they forget quickly.');
    assert.equal(extractiveSummary('Large models are everywhere in the field today. Nothing else is said here at all, really.'), 'Large models are everywhere in the field today.');
    assert.equal(extractiveSummary('Short.'), 'Short.');
    assert.equal(extractiveSummary(''), '');
  });
});
