import fs from 'node:fs';
import path from 'node:path';
import type { Paper } from '../../src/papers/paper.js';
import { upsertPapers } from '../../src/store/papers.js';
import type { Db } from '../../src/store/schema.js';
import { makePaper } from '../support/papers.js';
import { repoRoot } from '../support/paths.js';

/** A real export of test/fixtures/references/, as uploaded: its text, byte for byte. */
export function library(name: string): string {
  return fs.readFileSync(path.join(repoRoot, 'test/fixtures/references', name), 'utf8');
}

/**
 * The arXiv papers the Zotero exports cite, as catalog records with the id, title and DOI those
 * exports give (see the fixtures' README: arXiv's own records of these papers are not at hand);
 * everything else is makePaper's, as only matching reads these records.
 */
export const CITED: Paper[] = [
  makePaper({ id: '1401.2910', title: 'Defining and detecting quantum speedup', authors: ['Troels F. Rønnow', 'Zhihui Wang', 'Joshua Job'], doi: '10.1126/science.1252319', categories: ['quant-ph'], primaryCategory: 'quant-ph' }),
  makePaper({ id: '1508.05387', title: 'BV Master Action for Heterotic and Type II String Field Theories', authors: ['Ashoke Sen'], doi: '10.1007/JHEP02(2016)087' }),
  makePaper({ id: '1305.4904', title: 'Classical signature of quantum annealing', authors: ['John A. Smolin', 'Graeme Smith'], categories: ['quant-ph'], primaryCategory: 'quant-ph' }),
  makePaper({ id: '2206.07690', title: 'ELUDE: Generating interpretable explanations via a decomposition into labelled and unlabelled features', authors: ['Vikram V. Ramaswamy', 'Sunnie S. Y. Kim', 'Nicole Meister', 'Ruth Fong', 'Olga Russakovsky'] }),
];

export async function storeCited(db: Db): Promise<void> {
  await upsertPapers(db, CITED);
}
