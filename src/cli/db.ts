import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isPostgresUrl, maskPassword } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { copyToPostgres, CopyRefused, DEFAULT_BATCH_ROWS, type CopyProgress, type CopyReport } from '../store/copy/copy.js';
import { DatabaseSetupError, openDatabase } from '../store/db.js';
import { settingMadeOnce } from '../store/instance-settings.js';
import { commandConfig, fail, interruptSignal, withCommonOptions } from './context.js';

interface CopyFlags {
  to: string;
  batch: string;
  json?: boolean;
  dataDir?: string;
  logLevel?: string;
}

/** `paperboy db copy --to postgres://...`: moves a SQLite instance into PostgreSQL (store/copy/copy.ts). */
export function registerDb(program: Command): void {
  const db = program.command('db').description('the database as a whole');
  withCommonOptions(
    db
      .command('copy')
      .description(
        'copy the SQLite instance of the data directory (it may keep serving) into an empty PostgreSQL database; run it again to continue an interrupted copy',
      )
      .requiredOption('--to <url>', 'the PostgreSQL database to fill: postgres://user:password@host:5432/name')
      .option('--batch <rows>', 'most rows written in one transaction', String(DEFAULT_BATCH_ROWS))
      .option('--json', 'print the summary as JSON'),
  ).action(async (opts: CopyFlags) => {
    const batchRows = Number(opts.batch);
    if (!Number.isInteger(batchRows) || batchRows < 1) fail(`--batch: expected a number of rows, got ${JSON.stringify(opts.batch)}`);
    if (!isPostgresUrl(opts.to)) fail(`--to: expected a postgres:// URL such as postgres://paperboy:secret@127.0.0.1:5432/paperboy, got ${JSON.stringify(maskPassword(opts.to))}`);
    const config = commandConfig(opts);
    if (config.database.kind !== 'sqlite') {
      fail('db copy copies the SQLite database of the data directory: unset PAPERBOY_DATABASE_URL (the database to fill is given with --to)');
    }
    const file = config.database.file;
    if (!fs.existsSync(file)) fail(`there is no SQLite database at ${file}: give the instance's data directory (--data-dir or PAPERBOY_DATA_DIR)`);
    const log = createLogger(config.logLevel);
    // Brought up to date like every command does, so both databases have the same migrations.
    await (await openDatabase(config.database, { log })).destroy();

    const progress = copyProgress(log);
    let report: CopyReport;
    try {
      report = await copyToPostgres({ source: file, target: opts.to, batchRows, log, signal: interruptSignal(log), onProgress: progress.update });
    } catch (error) {
      progress.stop();
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof CopyRefused || error instanceof DatabaseSetupError) fail(message);
      fail(`the copy failed: ${message} (run the same command again to continue)`, 1);
    }
    progress.stop();
    const secretFile = path.join(config.dataDir, 'secret.key');
    const secretKept = !report.interrupted && !config.secret && (await keepSecret(opts.to, secretFile, log));
    process.stdout.write(opts.json ? `${JSON.stringify({ ...report, secretKept })}\n` : describe(report, secretAdvice(config.secret, secretFile, secretKept)));
    if (report.interrupted) process.exitCode = 130;
  });
}

/**
 * Without PAPERBOY_SECRET this instance signs with its data folder's secret.key. The copy keeps it
 * as the secret PostgreSQL's processes share when they have no PAPERBOY_SECRET either
 * (web/secret.ts), so members stay signed in and links in mails already sent keep working.
 */
async function keepSecret(target: string, file: string, log: Logger): Promise<boolean> {
  let secret: string;
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return false;
  }
  if (!secret) return false;
  const db = await openDatabase({ kind: 'postgres', url: target }, { log });
  try {
    return (await settingMadeOnce(db, 'secret', () => secret)) === secret;
  } finally {
    await db.destroy();
  }
}

/** Cookies, CSRF tokens and the links in mails already sent are signed with the secret: the copy's processes need this instance's. */
function secretAdvice(configured: string | null, file: string, kept: boolean): string {
  if (configured) return 'keep the same PAPERBOY_SECRET on every process';
  if (kept) return `leave PAPERBOY_SECRET unset (the copy signs with this instance's ${file}, kept in the database)`;
  return 'set the same PAPERBOY_SECRET on every process';
}

function describe(r: CopyReport, secret: string): string {
  const total = r.tables.reduce((n, t) => n + t.rows, 0);
  const rate = Math.round(r.rowsThisRun / Math.max(r.seconds, 0.001));
  const lines = [
    r.interrupted
      ? `interrupted: ${total} rows of ${r.source} are in ${r.target}; run the same command again to continue`
      : `copied ${r.source} as it was at ${r.snapshotAt} into ${r.target}: ${total} rows` +
        `${r.resumed ? ', continuing an interrupted copy' : ''}`,
    `  ${r.rowsThisRun} rows in ${r.seconds.toFixed(1)} s (${rate} rows/s)`,
  ];
  const width = Math.max(...r.tables.map((t) => t.name.length));
  for (const t of r.tables) lines.push(`  ${t.name.padEnd(width)} ${String(t.rows).padStart(9)}`);
  if (r.interrupted) return `${lines.join('\n')}\n`;
  lines.push('not copied:');
  for (const t of r.leftOut) lines.push(`  ${t.name}: ${t.why}`);
  if (r.sequences.length > 0) lines.push(`new ids continue past the copied ones: ${r.sequences.join(', ')}`);
  lines.push(
    `Writes to the SQLite instance after ${r.snapshotAt} are not in the copy. To run Paperboy on the copy, set PAPERBOY_DATABASE_URL, and ${secret}` +
      ' so that members stay signed in and links in mails already sent keep working (docs/operations.md, "PostgreSQL").',
  );
  return `${lines.join('\n')}\n`;
}

const LOG_EVERY_MS = 5000;

/** A bar on a terminal; a log line every few seconds otherwise (cron, pipes). */
function copyProgress(log: Logger): { update: (p: CopyProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'db copy | {bar} {percentage}% | {value} of {total} rows | {table}', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(p.total, p.copied, { table: p.table });
        started = true;
        bar.update(p.copied, { table: p.table });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLog = 0;
  return {
    update(p) {
      if (p.copied !== p.total && Date.now() - lastLog < LOG_EVERY_MS) return;
      lastLog = Date.now();
      log.info({ table: p.table, copied: p.copied, total: p.total }, `db copy: ${p.copied} of ${p.total} rows (${p.table})`);
    },
    stop() {},
  };
}
