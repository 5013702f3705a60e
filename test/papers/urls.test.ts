import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arxivAbsUrl, arxivPdfUrl, authorPath, categoryPath, paperPath } from '../../src/papers/urls.js';

describe('paper addresses', () => {
  it('links the abstract page without a version (the newest) and the PDF of the version held', () => {
    assert.equal(arxivAbsUrl({ id: '2401.12345' }), 'https://arxiv.org/abs/2401.12345');
    assert.equal(arxivPdfUrl({ id: '2401.12345', version: 2 }), 'https://arxiv.org/pdf/2401.12345v2');
    assert.equal(arxivAbsUrl({ id: 'hep-th/9901001' }), 'https://arxiv.org/abs/hep-th/9901001');
    assert.equal(arxivPdfUrl({ id: 'hep-th/9901001', version: 3 }), 'https://arxiv.org/pdf/hep-th/9901001v3');
  });

  it('names the pages of this site', () => {
    assert.equal(paperPath('hep-th/9901001'), '/papers/hep-th/9901001');
    assert.equal(authorPath('Ada Lovelace/Byron'), '/authors/Ada%20Lovelace%2FByron');
    assert.equal(categoryPath('cs.CL'), '/categories/cs.CL');
  });
});
