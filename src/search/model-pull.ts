/**
 * `paperboy model pull NAME`: downloads a sentence-embedding model from the Hugging Face Hub (or a
 * mirror, PAPERBOY_MODEL_HOST) into the data directory through transformers.js, which keeps each
 * file under `<modelsDir>/<NAME>/` in the layout OnnxEmbedder reads, and fetches only what is not
 * there yet. The model is then checked the way searches will use it: loaded, and a test sentence
 * embedded into a unit vector of the model's own width. A note of what was pulled is kept beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modelDirectory } from '../config.js';
import { OnnxEmbedder } from './onnx-embedder.js';

export interface PulledModel {
  name: string;
  dir: string;
  dimensions: number;
  /** The id its vectors are stored under. */
  id: string;
  pulledAt: string;
  from: string;
}

export type PullProgress = (loaded: number, total: number) => void;

/** The note kept in a pulled model's directory. */
export const PULL_NOTE = 'paperboy-model.json';
/** One file may take this long to download (a model is tens or hundreds of megabytes). */
const FILE_TIMEOUT_MS = 30 * 60_000;
const TEST_SENTENCE = 'Graph neural networks predict the properties of molecules.';

export async function pullModel(name: string, settings: { modelsDir: string; modelHost: string }, onProgress: PullProgress = () => {}): Promise<PulledModel> {
  const dir = modelDirectory(name, settings.modelsDir);
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = true;
  env.allowLocalModels = false;
  env.useFSCache = true;
  env.cacheDir = settings.modelsDir;
  env.remoteHost = settings.modelHost;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.fetch = (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(FILE_TIMEOUT_MS) });
  try {
    const extractor = await pipeline('feature-extraction', name, {
      dtype: 'fp32',
      cache_dir: settings.modelsDir,
      progress_callback: (info: { status: string; loaded?: number; total?: number }) => {
        if (info.status === 'progress_total') onProgress(info.loaded ?? 0, info.total ?? 0);
      },
    });
    await extractor.dispose();
  } catch (error) {
    throw new Error(`could not pull ${name} from ${settings.modelHost}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const model = await checkModel(dir);
  const pulled: PulledModel = { name, dir, dimensions: model.dimensions, id: model.id, pulledAt: new Date().toISOString(), from: settings.modelHost };
  fs.writeFileSync(path.join(dir, PULL_NOTE), `${JSON.stringify(pulled, null, 2)}\n`);
  return pulled;
}

/** Loads a model as searches will and embeds a test sentence: a unit vector as wide as the model says its vectors are. */
async function checkModel(dir: string): Promise<OnnxEmbedder> {
  const embedder = await OnnxEmbedder.load(dir);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { hidden_size?: unknown };
  const [vector] = await embedder.embedDocuments([{ title: TEST_SENTENCE, abstract: '' }]);
  const width = typeof config.hidden_size === 'number' ? config.hidden_size : embedder.dimensions;
  const norm = Math.sqrt(vector!.reduce((sum, x) => sum + x * x, 0));
  if (vector!.length !== width || embedder.dimensions !== width) {
    throw new Error(`the model in ${dir} makes vectors of ${vector!.length} numbers, but its config.json says ${width}`);
  }
  if (!(Math.abs(norm - 1) < 1e-3)) throw new Error(`the model in ${dir} made no usable vector for a test sentence`);
  return embedder;
}

/** The models pulled into the data directory, from their notes. */
export function pulledModels(modelsDir: string): PulledModel[] {
  const found: PulledModel[] = [];
  const walk = (dir: string, depth: number) => {
    if (!fs.existsSync(dir)) return;
    if (fs.existsSync(path.join(dir, PULL_NOTE))) found.push(JSON.parse(fs.readFileSync(path.join(dir, PULL_NOTE), 'utf8')) as PulledModel);
    else if (depth < 2) for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(path.join(dir, entry.name), depth + 1);
  };
  walk(modelsDir, 0);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
