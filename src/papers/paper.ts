/** The one shape every source is normalized into and every later stage reads. */
export interface Paper {
  /** arXiv id without version: `2401.12345` or `hep-th/9901001`. */
  id: string;
  /** Latest known version number (1 when a source does not say). */
  version: number;
  title: string;
  abstract: string;
  authors: string[];
  /** Known arXiv categories, primary first. */
  categories: string[];
  primaryCategory: string;
  /** First submission (v1), ISO 8601 UTC, or null when the source does not say. */
  published: string | null;
  /** Latest version's date, ISO 8601 UTC, or null. */
  updated: string | null;
  /** The day the paper belongs to on daily pages (YYYY-MM-DD): its listing day, else its first submission day. */
  day: string;
  comment: string | null;
  journalRef: string | null;
  doi: string | null;
  license: string | null;
  versions: PaperVersion[];
  links: PaperLink[];
}

export interface PaperVersion {
  version: number;
  /** ISO 8601 UTC */
  date: string;
  /** As arXiv reports it, e.g. "11kb"; null when unknown. */
  size: string | null;
}

export const LINK_KINDS = ['code', 'project', 'model', 'dataset'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface PaperLink {
  kind: LinkKind;
  url: string;
}

/** Where a record came from, for error messages: `file.jsonl:12`, `GET http://...#record 3`. */
export type Where = string;

/** A record as a source found it, before normalization. Every field may be missing or malformed. */
export interface PaperInput {
  where: Where;
  /** As found: `2401.12345`, `2401.12345v2`, `arXiv:hep-th/9901001`, `http://arxiv.org/abs/2401.12345v1`, `oai:arXiv.org:2401.12345`. */
  id?: string | null;
  version?: number | null;
  title?: string | null;
  abstract?: string | null;
  /** A list of names, one string such as `A. Smith, B. Jones and C. Wu`, or parsed parts `[last, first, suffix]`. */
  authors?: string | string[] | string[][] | null;
  /** A list, or one space-separated string as arXiv writes it. */
  categories?: string | string[] | null;
  primaryCategory?: string | null;
  /** Any of: ISO 8601, `YYYY-MM-DD HH:MM:SS UTC`, RFC 2822 (`Mon, 2 Apr 2007 19:18:42 GMT`), `YYYY-MM-DD`. */
  published?: string | null;
  updated?: string | null;
  listedOn?: string | null;
  /** OAI-PMH's header `<datestamp>`: the day (UTC) arXiv last changed the record (see papers/announcements.ts). */
  datestamp?: string | null;
  versions?: { version: number | string; date: string; size?: string | null }[] | null;
  comment?: string | null;
  journalRef?: string | null;
  doi?: string | null;
  license?: string | null;
}

/** A record that could not be turned into a Paper, with what and where. */
export class RecordError extends Error {
  constructor(
    readonly where: Where,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${where}: ${field}: ${reason}`);
    this.name = 'RecordError';
  }
}

/** What a source yields: a record to normalize, or a problem found while reading (bad line, bad XML). */
export type SourceItem = { kind: 'record'; input: PaperInput } | { kind: 'error'; error: RecordError };
