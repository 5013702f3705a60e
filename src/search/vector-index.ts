/**
 * Nearest-neighbour search over paper vectors: an HNSW graph from usearch (approximate, well
 * under a millisecond per query at 143k papers), plus an exact scan for small candidate sets
 * (filtered searches), where a graph walk would mostly meet papers the filter rejects.
 * Keys are doc numbers (search_docs.doc); vectors have unit length, so similarity is the dot product.
 */
import usearch, { type Index } from 'usearch';

export interface Neighbour {
  doc: number;
  /** Cosine similarity, 1 for the same direction. */
  similarity: number;
}

/** Vectors added per native call while loading, so a server keeps answering in between. */
const LOAD_CHUNK = 500;

export class VectorIndex {
  private readonly index: Index;
  private changes = 0;

  constructor(
    readonly model: string,
    readonly dimensions: number,
  ) {
    // 8-bit scalars: a quarter of the memory of float32 and faster distance, at a ranking cost
    // too small to see in the quality benchmark (docs/benchmarks.md).
    this.index = new usearch.Index({
      dimensions,
      metric: usearch.MetricKind.Cos,
      quantization: usearch.ScalarKind.I8,
      connectivity: 16,
      expansion_add: 64,
      expansion_search: 128,
      multi: false,
    });
  }

  /** Goes up with every change of the vectors held, so results worked out from them can be kept until it moves. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.index.size();
  }

  has(doc: number): boolean {
    return this.index.contains(BigInt(doc)) as boolean;
  }

  /** Adds vectors (replacing any a doc already had), a chunk per turn of the event loop. */
  async add(items: { doc: number; vector: Float32Array }[]): Promise<void> {
    for (let start = 0; start < items.length; start += LOAD_CHUNK) {
      const chunk = items.slice(start, start + LOAD_CHUNK);
      for (const { doc } of chunk) if (this.has(doc)) this.index.remove(BigInt(doc));
      const keys = BigUint64Array.from(chunk, (x) => BigInt(x.doc));
      const matrix = new Float32Array(chunk.length * this.dimensions);
      chunk.forEach((x, i) => matrix.set(x.vector, i * this.dimensions));
      this.index.add(keys, matrix, 0);
      this.changes++;
      if (start + LOAD_CHUNK < items.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  remove(doc: number): void {
    if (!this.has(doc)) return;
    this.index.remove(BigInt(doc));
    this.changes++;
  }

  search(vector: Float32Array, k: number): Neighbour[] {
    if (this.size === 0 || k <= 0) return [];
    const found = this.index.search(vector, Math.min(k, this.size), 1);
    const out: Neighbour[] = [];
    for (let i = 0; i < found.keys.length; i++) out.push({ doc: Number(found.keys[i]), similarity: 1 - found.distances[i]! });
    return out;
  }
}

/** Exact top-k by dot product over a few vectors (a filtered candidate set). */
export function exactNeighbours(query: Float32Array, candidates: { doc: number; vector: Float32Array }[], k: number): Neighbour[] {
  const scored = candidates.map(({ doc, vector }) => {
    let s = 0;
    for (let i = 0; i < query.length; i++) s += query[i]! * vector[i]!;
    return { doc, similarity: s };
  });
  return scored.sort((a, b) => b.similarity - a.similarity || a.doc - b.doc).slice(0, k);
}
