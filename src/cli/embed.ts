import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Logger } from '../log.js';
import { embedWithOnnx, trainCatalogModel, type TrainProgress } from '../search/maintain.js';
import { OnnxEmbedder } from '../search/onnx-embedder.js';
import { keywordIndexFor } from '../search/keyword-index.js';
import { notify } from '../store/notices.js';
import { countDocs, searchDb } from '../store/search-docs.js';
import { fail, openContext, withCommonOptions } from './context.js';

export function registerEmbed(program: Command): void {
  withCommonOptions(
    program
      .command('embed')
      .description('make the vectors for semantic search: train the catalog model (or load the ONNX model) and embed every paper')
      .option('--json', 'print the summary as JSON'),
  ).action(async (opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext(opts);
    try {
      const settings = ctx.config.search;
      const db = searchDb(ctx.db);
      if ((await countDocs(db)) === 0) fail('the catalog is empty: import papers first (paperboy import FILE)', 1);
      const started = performance.now();
      const progress = embedProgress(ctx.log);
      let model: string;
      try {
        if (settings.embedder === 'onnx') {
          const embedder = await OnnxEmbedder.load(settings.onnxModelDir!, { pooling: settings.onnxPooling, queryPrefix: settings.onnxQueryPrefix });
          await embedWithOnnx(db, embedder, progress);
          model = embedder.id;
        } else {
          model = (await trainCatalogModel(db, {}, progress)).id;
        }
      } finally {
        progress.stop();
      }
      // Serving processes change to the new vectors now rather than at their next look.
      await notify(ctx.db, 'search');
      // A good moment to tidy the keyword index too.
      await keywordIndexFor(db).optimize();
      const summary = { model, papers: await countDocs(db, model), seconds: (performance.now() - started) / 1000 };
      process.stdout.write(
        opts.json ? `${JSON.stringify(summary)}\n` : `embedded ${summary.papers} papers with ${model} in ${summary.seconds.toFixed(1)} s\n`,
      );
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), 1);
    } finally {
      await ctx.close();
    }
  });
}

const LOG_EVERY_MS = 5000;

/** A bar on a terminal, a log line every few seconds otherwise. */
function embedProgress(log: Logger): TrainProgress & { stop(): void } {
  let phase = '';
  let total = 0;
  let lastLog = 0;
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: '{phase} |{bar}| {value}/{total} papers', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  const show = (done: number) => {
    if (bar) return bar.update(done, { phase });
    if (Date.now() - lastLog < LOG_EVERY_MS && done < total) return;
    lastLog = Date.now();
    log.info({ phase, done, total }, `${phase}: ${done} of ${total} papers`);
  };
  return {
    onPhase(next, count) {
      phase = next;
      total = count;
      if (bar) {
        bar.stop();
        bar.start(count, 0, { phase });
      } else log.info({ phase, total }, `${phase} on ${total} papers`);
    },
    onTrainingProgress: (read) => show(read),
    onProgress: (done) => show(done),
    stop: () => bar?.stop(),
  };
}
