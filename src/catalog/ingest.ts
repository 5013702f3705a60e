import { normalizePaper } from '../papers/normalize.js';
import { RecordError, type Paper, type SourceItem } from '../papers/paper.js';
import type { Db } from '../store/schema.js';
import { upsertPapers } from '../store/papers.js';

export interface Rejection {
  where: string;
  field: string;
  reason: string;
}

export interface IngestReport {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  warnings: number;
  /** The first rejections in full (all of them are counted above and logged as they happen). */
  rejections: Rejection[];
  /** The first warnings (a dropped unknown category, for example). */
  warningExamples: string[];
  /**
   * Where a file could not be read to its end, or at all (truncated or corrupt, not a format we
   * read): the sources reject such a file as a whole, with the field `file`. What came before the
   * break is stored; the commands exit non-zero.
   */
  unread: string[];
  interrupted: boolean;
}

export interface IngestOptions {
  batchSize?: number;
  /** Aborting stops the run after the batch being written; everything stored so far stays. */
  signal?: AbortSignal;
  onBatch?: (report: IngestReport) => void;
  onRejection?: (rejection: Rejection) => void;
}

const KEPT_REJECTIONS = 1000;
const KEPT_WARNINGS = 100;

/**
 * Turns source items into stored papers: normalize each record, reject what cannot be a Paper
 * (saying where and why), and write the rest in batches, each batch one transaction.
 */
export class Ingest {
  readonly report: IngestReport = {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    warnings: 0,
    rejections: [],
    warningExamples: [],
    unread: [],
    interrupted: false,
  };

  constructor(
    private readonly db: Db,
    private readonly options: IngestOptions = {},
  ) {}

  get stopped(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** Reads a stream of items to the end (or until aborted). */
  async run(items: AsyncIterable<SourceItem>): Promise<IngestReport> {
    const batchSize = this.options.batchSize ?? 5000;
    let batch: Paper[] = [];
    for await (const item of items) {
      const paper = this.normalize(item);
      if (paper) batch.push(paper);
      if (batch.length >= batchSize) {
        await this.store(batch);
        batch = [];
        if (this.stopped) break;
      }
    }
    if (batch.length > 0 && !this.stopped) await this.store(batch);
    this.report.interrupted = this.stopped;
    return this.report;
  }

  /** Normalizes a page of items; rejections are counted, not thrown. */
  normalizeAll(items: SourceItem[]): Paper[] {
    const papers: Paper[] = [];
    for (const item of items) {
      const paper = this.normalize(item);
      if (paper) papers.push(paper);
    }
    return papers;
  }

  /** Writes papers in one transaction, together with whatever else must commit with them (a checkpoint). */
  async store(papers: Paper[], alongside?: (trx: Db) => Promise<void>): Promise<void> {
    const result = await this.db.transaction().execute(async (trx) => {
      const r = await upsertPapers(trx, papers);
      if (alongside) await alongside(trx);
      return r;
    });
    this.report.inserted += result.inserted.length;
    this.report.updated += result.updated.length;
    // A batch may hold the same id twice; the older copy is unchanged too.
    this.report.unchanged += papers.length - result.inserted.length - result.updated.length;
    this.options.onBatch?.(this.report);
  }

  private normalize(item: SourceItem): Paper | null {
    this.report.read++;
    if (item.kind === 'error') {
      this.reject(item.error);
      return null;
    }
    try {
      const { paper, warnings } = normalizePaper(item.input);
      for (const warning of warnings) this.warn(`${item.input.where}: ${warning}`);
      return paper;
    } catch (error) {
      if (error instanceof RecordError) {
        this.reject(error);
        return null;
      }
      throw error;
    }
  }

  private reject(error: RecordError): void {
    const rejection = { where: error.where, field: error.field, reason: error.reason };
    this.report.rejected++;
    if (this.report.rejections.length < KEPT_REJECTIONS) this.report.rejections.push(rejection);
    if (error.field === 'file') this.report.unread.push(error.where);
    this.options.onRejection?.(rejection);
  }

  private warn(message: string): void {
    this.report.warnings++;
    if (this.report.warningExamples.length < KEPT_WARNINGS) this.report.warningExamples.push(message);
  }
}
