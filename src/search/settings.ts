/**
 * Search settings, read from the environment like the rest of the configuration (config.ts).
 * Kept beside search until they are folded into config.ts.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config.js';

const schema = z.object({
  /** `catalog` (the default: learned from this catalog, no download) or `onnx` (a local sentence-embedding model). */
  PAPERBOY_EMBEDDER: z.enum(['catalog', 'onnx']).default('catalog'),
  /** A model directory in the Hugging Face layout: config.json, tokenizer.json, onnx/model.onnx. */
  PAPERBOY_ONNX_MODEL: z.string().optional(),
  /** How token vectors become one vector: `mean` (MiniLM, e5) or `cls` (bge). */
  PAPERBOY_ONNX_POOLING: z.enum(['mean', 'cls']).default('mean'),
  /** Put before every query, for models trained with one (bge: "Represent this sentence for searching relevant passages: "). */
  PAPERBOY_ONNX_QUERY_PREFIX: z.string().default(''),
});

export interface SearchSettings {
  embedder: 'catalog' | 'onnx';
  onnxModelDir: string | null;
  onnxPooling: 'mean' | 'cls';
  onnxQueryPrefix: string;
}

export function loadSearchSettings(env: NodeJS.ProcessEnv = process.env): SearchSettings {
  const values: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) values[key] = env[key]?.trim() === '' ? undefined : env[key];
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${String(issue.path[0])}=${JSON.stringify(values[String(issue.path[0])] ?? '')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  if (v.PAPERBOY_EMBEDDER === 'onnx' && !v.PAPERBOY_ONNX_MODEL) {
    throw new ConfigError('invalid configuration:\n  PAPERBOY_ONNX_MODEL="": PAPERBOY_EMBEDDER=onnx needs the directory of a local model');
  }
  return {
    embedder: v.PAPERBOY_EMBEDDER,
    onnxModelDir: v.PAPERBOY_ONNX_MODEL ? path.resolve(v.PAPERBOY_ONNX_MODEL) : null,
    onnxPooling: v.PAPERBOY_ONNX_POOLING,
    onnxQueryPrefix: v.PAPERBOY_ONNX_QUERY_PREFIX,
  };
}
