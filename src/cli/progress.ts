import cliProgress from 'cli-progress';
import type { Logger } from '../log.js';
import type { IngestReport } from '../catalog/ingest.js';

export interface Progress {
  update(report: IngestReport): void;
  stop(): void;
}

const LOG_EVERY_MS = 5000;

/** A live bar on a terminal; a log line every few seconds otherwise (CI, cron, pipes). */
export function ingestProgress(label: string, log: Logger): Progress {
  const started = Date.now();
  const rate = (r: IngestReport) => Math.round(r.read / Math.max(0.001, (Date.now() - started) / 1000));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} | {read} read | {rate}/s | {inserted} new, {updated} updated, {unchanged} unchanged, {rejected} rejected`,
        stream: process.stderr,
        fps: 5,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { read: 0, rate: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 });
    return {
      update: (r) => bar.update(0, { ...counts(r), rate: rate(r) }),
      stop: () => bar.stop(),
    };
  }
  let lastLog = started;
  return {
    update(r) {
      if (Date.now() - lastLog < LOG_EVERY_MS) return;
      lastLog = Date.now();
      log.info({ ...counts(r), perSecond: rate(r) }, `${label}: ${r.read} read`);
    },
    stop() {},
  };
}

function counts(r: IngestReport) {
  return { read: r.read, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected };
}

/** The closing summary a person reads; `--json` prints the report itself instead. */
export function formatSummary(r: IngestReport, seconds: number): string {
  const lines = [
    `read ${r.read}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}` +
      ` in ${seconds.toFixed(1)} s (${Math.round(r.read / Math.max(seconds, 0.001))} records/s)` +
      (r.interrupted ? ' (interrupted: run the same command again to continue)' : ''),
  ];
  for (const x of r.rejections) lines.push(`  rejected ${x.where}: ${x.field}: ${x.reason}`);
  for (const where of r.unread) lines.push(`a file could not be read to its end: ${where} (what came before is stored)`);
  if (r.rejected > r.rejections.length) lines.push(`  ... and ${r.rejected - r.rejections.length} more rejections (see the log)`);
  if (r.warnings > 0) {
    lines.push(`${r.warnings} warnings, for example:`);
    for (const w of r.warningExamples.slice(0, 5)) lines.push(`  ${w}`);
  }
  return lines.join('\n');
}
