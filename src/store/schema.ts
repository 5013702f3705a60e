import type { Insertable, Kysely, Selectable } from 'kysely';

/** Table types as the query layer sees them. Lists are stored as JSON text so a paper reads in one row. */
export interface PapersTable {
  id: string;
  version: number;
  title: string;
  abstract: string;
  authors: string;
  categories: string;
  primary_category: string;
  published: string | null;
  updated: string | null;
  day: string;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  license: string | null;
  links: string;
  created_at: string;
  modified_at: string;
}

export interface PaperVersionsTable {
  paper_id: string;
  version: number;
  date: string;
  size: string | null;
}

export interface PaperCategoriesTable {
  paper_id: string;
  category: string;
}

export interface HarvestCheckpointsTable {
  key: string;
  state: string;
  updated_at: string;
}

export interface Database {
  papers: PapersTable;
  paper_versions: PaperVersionsTable;
  paper_categories: PaperCategoriesTable;
  harvest_checkpoints: HarvestCheckpointsTable;
}

export type Db = Kysely<Database>;
export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
