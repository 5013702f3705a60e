/**
 * One interface for everything that turns text into vectors, so search, similar papers and the
 * benchmarks never know which model is behind it. Vectors have unit length: their dot product is
 * their cosine similarity.
 */
export interface Embedder {
  /** Names the model and its training: vectors of different ids are never compared. */
  readonly id: string;
  readonly kind: EmbedderKind;
  readonly dimensions: number;
  embedDocuments(docs: DocumentText[]): Promise<Float32Array[]>;
  /** Null when the text has nothing the model knows (every word unseen, say). */
  embedQuery(text: string): Promise<Float32Array | null>;
}

export type EmbedderKind = 'catalog' | 'onnx';

export interface DocumentText {
  title: string;
  abstract: string;
}

/** Scales a vector to unit length in place; false when it is all zeros. */
export function normalize(v: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum === 0 || !Number.isFinite(sum)) return false;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i]! *= scale;
  return true;
}
