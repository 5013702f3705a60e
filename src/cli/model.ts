import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { MODEL_NAME } from '../config.js';
import type { Logger } from '../log.js';
import { pulledModels, pullModel, type PullProgress } from '../search/model-pull.js';
import { countNextVectors } from '../store/next-vectors.js';
import { activeModel, countDocs, searchDb } from '../store/search-docs.js';
import { fail, openContext, withCommonOptions } from './context.js';

export function registerModel(program: Command): void {
  const model = program.command('model').description('sentence-embedding models for semantic search (see docs/search.md)');

  withCommonOptions(
    model
      .command('pull')
      .description('download a model from the Hugging Face Hub into the data directory once, and check it: paperboy model pull Xenova/bge-small-en-v1.5')
      .argument('<name>', 'the model, owner/name, exported to ONNX (the Xenova/ models are)')
      .option('--json', 'print the summary as JSON'),
  ).action(async (name: string, opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    if (!MODEL_NAME.test(name)) fail(`"${name.slice(0, 100)}" is not a model name such as Xenova/bge-small-en-v1.5`);
    const ctx = await openContext(opts);
    const progress = pullProgress(name, ctx.log);
    try {
      const pulled = await pullModel(name, ctx.config.search, progress.update);
      progress.stop();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(pulled)}\n`);
        return;
      }
      process.stdout.write(
        `pulled ${name} (${pulled.dimensions} dimensions) into ${pulled.dir}\n` +
          `To search with it, set PAPERBOY_EMBEDDER=onnx and PAPERBOY_ONNX_MODEL=${name} (with its pooling and query prefix: docs/search.md),\n` +
          'then restart the server: it embeds every paper in the background and switches over when done. Or run `paperboy embed` now.\n',
      );
    } catch (error) {
      progress.stop();
      fail(error instanceof Error ? error.message : String(error), 1);
    } finally {
      await ctx.close();
    }
  });

  withCommonOptions(model.command('list').description('the models pulled, the one searches use, and how far a switch to another has come').option('--json', 'print as JSON')).action(
    async (opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
      const ctx = await openContext(opts);
      try {
        const db = searchDb(ctx.db);
        const settings = ctx.config.search;
        const [active, papers] = await Promise.all([activeModel(db), countDocs(db)]);
        const pulled = pulledModels(settings.modelsDir);
        const configured = settings.embedder === 'onnx' ? settings.onnxModelDir : 'catalog';
        const switching = pulled.find((m) => m.dir === settings.onnxModelDir && m.id !== active?.id);
        const prepared = switching ? await countNextVectors(db, switching.id) : null;
        const status = { inUse: active?.id ?? null, configured, papers, pulled, switching: switching ? { to: switching.id, embedded: prepared } : null };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(status)}\n`);
          return;
        }
        process.stdout.write(`in use: ${status.inUse ?? 'none yet (paperboy embed)'}\nconfigured: ${configured}\n`);
        if (switching) process.stdout.write(`switching to ${switching.id}: ${prepared} of ${papers} papers embedded\n`);
        process.stdout.write(pulled.length === 0 ? 'no models pulled (paperboy model pull NAME)\n' : 'pulled:\n');
        for (const m of pulled) process.stdout.write(`  ${m.name}  ${m.dimensions} dimensions  ${m.pulledAt.slice(0, 10)}  ${m.dir}\n`);
      } finally {
        await ctx.close();
      }
    },
  );
}

const LOG_EVERY_MS = 5000;

/** A bar of megabytes on a terminal; a log line every few seconds otherwise. */
function pullProgress(name: string, log: Logger): { update: PullProgress; stop(): void } {
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${name} |{bar}| {value}/{total} MB`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(loaded, total) {
        if (!started) bar.start(mb(total), 0);
        started = true;
        bar.setTotal(mb(total));
        bar.update(mb(loaded));
      },
      stop: () => bar.stop(),
    };
  }
  let lastLog = 0;
  return {
    update(loaded, total) {
      if (Date.now() - lastLog < LOG_EVERY_MS && loaded < total) return;
      lastLog = Date.now();
      log.info({ model: name, loaded, total }, `${name}: ${mb(loaded)} of ${mb(total)} MB`);
    },
    stop() {},
  };
}
