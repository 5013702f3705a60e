import type { Paper } from '../../src/papers/paper.js';

/** A valid Paper for store and page tests; override what the test is about. */
export function makePaper(overrides: Partial<Paper> = {}): Paper {
  return {
    id: '2401.00001',
    version: 1,
    title: 'A Test Paper',
    abstract: 'We test things.',
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.CL', 'cs.LG'],
    primaryCategory: 'cs.CL',
    published: '2024-01-01T10:00:00Z',
    updated: '2024-01-01T10:00:00Z',
    day: '2024-01-02',
    comment: null,
    journalRef: null,
    doi: null,
    license: null,
    versions: [],
    links: [],
    ...overrides,
  };
}
