import { Ingest, type IngestReport } from '../catalog/ingest.js';
import type { CommandContext } from './context.js';
import { interruptSignal } from './context.js';
import { formatSummary, ingestProgress } from './progress.js';

/**
 * The shared shape of import, fetch and harvest: progress while it runs, a summary at the end,
 * rejections logged with their place as they happen, and Ctrl-C stopping between batches.
 * `feed` drives the ingest (a plain stream, or pages saved with their checkpoints).
 */
export async function runIngest(
  ctx: CommandContext,
  label: string,
  json: boolean,
  feed: (ingest: Ingest, signal: AbortSignal) => Promise<void>,
): Promise<IngestReport> {
  const signal = interruptSignal(ctx.log);
  const progress = ingestProgress(label, ctx.log);
  const ingest = new Ingest(ctx.db, {
    signal,
    onBatch: (r) => progress.update(r),
    onRejection: (r) => ctx.log.warn(r, `rejected ${r.where}: ${r.field}: ${r.reason}`),
  });
  const started = performance.now();
  try {
    await feed(ingest, signal);
  } catch (error) {
    // Ctrl-C aborts the request in flight; that is a stop, not a failure.
    if (!signal.aborted) throw error;
  } finally {
    progress.stop();
  }
  ingest.report.interrupted = signal.aborted;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(json ? `${JSON.stringify({ ...ingest.report, seconds })}\n` : `${formatSummary(ingest.report, seconds)}\n`);
  return ingest.report;
}

