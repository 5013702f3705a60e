/**
 * The default embedder, learned from the instance's own catalog so it needs no download: TF-IDF
 * over stemmed words, reduced by truncated SVD (latent semantic analysis) to a few hundred
 * dimensions. Papers that share few words but many related ones end up close. New papers are
 * embedded with the existing model ("folded in"); retraining picks up new vocabulary.
 */
import { normalize, type DocumentText, type Embedder } from './embedder.js';
import { truncatedSvd, type Csr } from './svd.js';
import { tokenize } from './tokens.js';

export interface CatalogTrainingOptions {
  dimensions?: number;
  /** Most distinct words kept, the most widespread first. */
  maxVocabulary?: number;
  /** The SVD is fitted on at most this many papers, spread evenly over the catalog. */
  maxTrainingDocs?: number;
  /** Called now and then with the number of papers read. */
  onProgress?: (read: number) => void;
}

export const CATALOG_DEFAULTS = { dimensions: 256, maxVocabulary: 60_000, maxTrainingDocs: 60_000 };

/** Title words count this many times: titles say what a paper is about in few words. */
const TITLE_WEIGHT = 2;

export class CatalogEmbedder implements Embedder {
  readonly kind = 'catalog';
  private readonly termIds: Map<string, number>;

  private constructor(
    readonly id: string,
    private readonly terms: string[],
    private readonly idf: Float32Array,
    /** terms × dimensions, row-major. */
    private readonly projection: Float32Array,
    readonly dimensions: number,
  ) {
    this.termIds = new Map(terms.map((t, i) => [t, i]));
  }

  /**
   * Learns a model from documents read once, in order. `total` (how many there will be) lets the
   * training sample be spread over the whole catalog without holding it all in memory.
   */
  static async train(docs: AsyncIterable<DocumentText>, total: number, options: CatalogTrainingOptions = {}): Promise<CatalogEmbedder> {
    const dimensions = options.dimensions ?? CATALOG_DEFAULTS.dimensions;
    const maxVocabulary = options.maxVocabulary ?? CATALOG_DEFAULTS.maxVocabulary;
    const stride = Math.max(1, total / (options.maxTrainingDocs ?? CATALOG_DEFAULTS.maxTrainingDocs));

    // One pass: document frequency of every word over all papers, word ids of the sampled ones.
    const ids = new Map<string, number>();
    const df: number[] = [];
    const sample: Int32Array[] = [];
    let read = 0;
    let nextSampled = 0;
    for await (const doc of docs) {
      const words = documentWords(doc);
      const seen = new Set<number>();
      const docIds = new Int32Array(words.length);
      words.forEach((w, i) => {
        let id = ids.get(w);
        if (id === undefined) {
          id = df.length;
          ids.set(w, id);
          df.push(0);
        }
        docIds[i] = id;
        if (!seen.has(id)) {
          seen.add(id);
          df[id]!++;
        }
      });
      if (read >= nextSampled) {
        sample.push(docIds);
        nextSampled += stride;
      }
      read++;
      if (read % 10_000 === 0) options.onProgress?.(read);
    }
    options.onProgress?.(read);

    // Words in at least two papers (three in a big catalog) and in at most half of them.
    const minDf = read > 20_000 ? 3 : 2;
    const kept = df
      .map((count, id) => ({ id, count }))
      .filter((w) => w.count >= minDf && w.count <= read / 2)
      .sort((a, b) => b.count - a.count || a.id - b.id)
      .slice(0, maxVocabulary);
    const allWords = [...ids.keys()];
    const terms = kept.map((w) => allWords[w.id]!);
    const remap = new Int32Array(df.length).fill(-1);
    kept.forEach((w, i) => (remap[w.id] = i));
    const idf = Float32Array.from(kept, (w) => Math.log((1 + read) / (1 + w.count)) + 1);

    const matrix = tfidfRows(
      sample.map((docIds) => Array.from(docIds, (id) => remap[id]!).filter((id) => id >= 0)),
      idf,
    );
    const k = Math.max(1, Math.min(dimensions, terms.length - 1, sample.length - 1));
    const svd = truncatedSvd(matrix, { k, powerIterations: 1 });
    const projection = Float32Array.from(svd.vectors);
    const id = `catalog-lsa-${k}d-${read}docs-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    return new CatalogEmbedder(id, terms, idf, projection, k);
  }

  async embedDocuments(docs: DocumentText[]): Promise<Float32Array[]> {
    return docs.map((doc) => this.embedWords(documentWords(doc)) ?? new Float32Array(this.dimensions));
  }

  async embedQuery(text: string): Promise<Float32Array | null> {
    return this.embedWords(tokenize(text));
  }

  private embedWords(words: string[]): Float32Array | null {
    const ids: number[] = [];
    for (const w of words) {
      const id = this.termIds.get(w);
      if (id !== undefined) ids.push(id);
    }
    const row = tfidfRows([ids], this.idf);
    const out = new Float32Array(this.dimensions);
    const k = this.dimensions;
    for (let p = 0; p < row.rowPtr[1]!; p++) {
      const v = row.values[p]!;
      const o = row.colIdx[p]! * k;
      for (let j = 0; j < k; j++) out[j]! += v * this.projection[o + j]!;
    }
    return normalize(out) ? out : null;
  }

  /** The model as bytes: a JSON header (id, sizes, words) then idf and projection as float32. */
  serialize(): Uint8Array {
    const header = Buffer.from(JSON.stringify({ id: this.id, dimensions: this.dimensions, terms: this.terms }), 'utf8');
    const headerBytes = Math.ceil((4 + header.length) / 4) * 4;
    const out = Buffer.alloc(headerBytes + (this.idf.length + this.projection.length) * 4);
    out.writeUInt32LE(header.length, 0);
    header.copy(out, 4);
    Buffer.from(this.idf.buffer, this.idf.byteOffset, this.idf.byteLength).copy(out, headerBytes);
    Buffer.from(this.projection.buffer, this.projection.byteOffset, this.projection.byteLength).copy(out, headerBytes + this.idf.byteLength);
    return out;
  }

  static deserialize(bytes: Uint8Array): CatalogEmbedder {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = buffer.readUInt32LE(0);
    const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as { id: string; dimensions: number; terms: string[] };
    const start = Math.ceil((4 + headerLength) / 4) * 4;
    const floats = new Float32Array(buffer.buffer.slice(buffer.byteOffset + start, buffer.byteOffset + buffer.byteLength));
    const v = header.terms.length;
    if (floats.length !== v + v * header.dimensions) throw new Error(`embedding model ${header.id} is damaged: wrong size`);
    return new CatalogEmbedder(header.id, header.terms, floats.subarray(0, v), floats.subarray(v), header.dimensions);
  }
}

function documentWords(doc: DocumentText): string[] {
  const title = tokenize(doc.title);
  const words = tokenize(doc.abstract);
  for (let i = 0; i < TITLE_WEIGHT; i++) words.push(...title);
  return words;
}

/** Rows of sublinear TF-IDF (1 + ln tf) × idf, each scaled to unit length. */
function tfidfRows(docs: number[][], idf: Float32Array): Csr {
  const rowPtr = new Int32Array(docs.length + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  docs.forEach((ids, r) => {
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const start = colIdx.length;
    let norm = 0;
    for (const [id, tf] of counts) {
      const w = (1 + Math.log(tf)) * idf[id]!;
      colIdx.push(id);
      values.push(w);
      norm += w * w;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let p = start; p < values.length; p++) values[p]! *= scale;
    rowPtr[r + 1] = colIdx.length;
  });
  return { rows: docs.length, cols: idf.length, rowPtr, colIdx: Int32Array.from(colIdx), values: Float32Array.from(values) };
}
