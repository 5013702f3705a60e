/**
 * A sentence-embedding model (all-MiniLM, bge-small, e5-small, ...) exported to ONNX, run by
 * transformers.js from a local directory. Remote loading is switched off here: nothing is
 * downloaded while searching (`paperboy model pull`, model-pull.ts, is the one download), and a
 * missing file is an error that names it. See docs/search.md for putting a model in place.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { normalize, type DocumentText, type Embedder } from './embedder.js';

export interface OnnxOptions {
  pooling?: 'mean' | 'cls';
  queryPrefix?: string;
  batchSize?: number;
}

type Extractor = (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

/** Files a model directory must hold, in the layout transformers.js reads. */
const REQUIRED = ['config.json', 'tokenizer.json'];
const WEIGHTS = [
  { file: 'onnx/model.onnx', dtype: 'fp32' },
  { file: 'onnx/model_quantized.onnx', dtype: 'q8' },
] as const;

const loaded = new Map<string, Promise<OnnxEmbedder>>();

export class OnnxEmbedder implements Embedder {
  readonly kind = 'onnx';

  private constructor(
    readonly id: string,
    readonly dimensions: number,
    private readonly dir: string,
    private readonly extractor: Extractor,
    private readonly options: Required<OnnxOptions>,
  ) {}

  /**
   * The model in `dir`, loaded once per process for each way of using it (the server's search and
   * its background upkeep share one copy: a model is tens or hundreds of megabytes).
   */
  static load(dir: string, options: OnnxOptions = {}): Promise<OnnxEmbedder> {
    const key = JSON.stringify([path.resolve(dir), options.pooling, options.queryPrefix, options.batchSize]);
    let loading = loaded.get(key);
    if (!loading) {
      loading = OnnxEmbedder.read(dir, options);
      loaded.set(key, loading);
      // A failure is not kept: the files may be put right.
      loading.catch(() => loaded.delete(key));
    }
    return loading;
  }

  /** The embedder a stored model's state describes (see `state`). */
  static fromState(state: Uint8Array): Promise<OnnxEmbedder> {
    const { dir, pooling, queryPrefix } = JSON.parse(Buffer.from(state).toString('utf8')) as { dir: string } & Required<Pick<OnnxOptions, 'pooling' | 'queryPrefix'>>;
    return OnnxEmbedder.load(dir, { pooling, queryPrefix });
  }

  /** What is stored with the model's vectors to load it again: where it is and how it was used. */
  get state(): Uint8Array {
    return Buffer.from(JSON.stringify({ dir: this.dir, pooling: this.options.pooling, queryPrefix: this.options.queryPrefix }), 'utf8');
  }

  private static async read(dir: string, options: OnnxOptions): Promise<OnnxEmbedder> {
    const root = path.resolve(dir);
    for (const file of REQUIRED) {
      if (!fs.existsSync(path.join(root, file))) throw new Error(`embedding model in ${root}: ${file} is missing`);
    }
    const weights = WEIGHTS.find((w) => fs.existsSync(path.join(root, w.file)));
    if (!weights) throw new Error(`embedding model in ${root}: neither ${WEIGHTS.map((w) => w.file).join(' nor ')} is there`);

    // Imported here, not at the top: onnxruntime is large and only this embedder needs it.
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${path.dirname(root)}${path.sep}`;
    const extractor = (await pipeline('feature-extraction', path.basename(root), {
      dtype: weights.dtype,
      local_files_only: true,
    })) as unknown as Extractor;

    const full = { pooling: options.pooling ?? 'mean', queryPrefix: options.queryPrefix ?? '', batchSize: options.batchSize ?? 32 };
    const probe = await extractor(['probe'], { pooling: full.pooling, normalize: true });
    const dimensions = probe.dims[probe.dims.length - 1]!;
    // The id changes when the weights or the way vectors are made change, so old vectors are redone.
    const stat = fs.statSync(path.join(root, weights.file));
    const digest = createHash('sha256').update(`${stat.size}:${weights.dtype}:${full.pooling}:${full.queryPrefix}`).digest('hex').slice(0, 10);
    return new OnnxEmbedder(`onnx-${path.basename(root)}-${dimensions}d-${digest}`, dimensions, root, extractor, full);
  }

  async embedDocuments(docs: DocumentText[]): Promise<Float32Array[]> {
    return this.run(docs.map((d) => `${d.title}. ${d.abstract}`));
  }

  async embedQuery(text: string): Promise<Float32Array | null> {
    if (text.trim() === '') return null;
    const [vector] = await this.run([`${this.options.queryPrefix}${text}`]);
    return vector && normalize(vector) ? vector : null;
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.options.batchSize) {
      const batch = texts.slice(i, i + this.options.batchSize);
      const tensor = await this.extractor(batch, { pooling: this.options.pooling, normalize: true });
      for (let j = 0; j < batch.length; j++) out.push(Float32Array.from(tensor.data.subarray(j * this.dimensions, (j + 1) * this.dimensions)));
    }
    return out;
  }
}
