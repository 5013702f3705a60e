import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { backupSqlite, type BackupProgress } from '../store/sqlite.js';
import { describeLocation } from '../config.js';
import { commandConfig, fail, openContext, withCommonOptions } from './context.js';

const LOG_EVERY_MS = 5000;

/**
 * `paperboy backup FILE`: a consistent copy of the SQLite database of a running instance, made
 * with SQLite's online backup API (see backupSqlite). Restoring is putting the copy in place as
 * `paperboy.sqlite` of a data directory.
 *
 * PostgreSQL mode keeps its data in the server, where `pg_dump` is the tool: there this command
 * refuses with that advice before opening anything (exit 2).
 */
export function registerBackup(program: Command): void {
  withCommonOptions(
    program
      .command('backup')
      .description('write a consistent copy of the database to FILE while Paperboy keeps running (SQLite online backup)')
      .argument('<file>', 'where to write the copy; replaced if it exists, written whole or not at all')
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    const target = path.resolve(file);
    if (!fs.existsSync(path.dirname(target))) fail(`no such directory: ${path.dirname(target)}`);
    const config = commandConfig(opts);
    if (config.database.kind !== 'sqlite') {
      fail(
        `paperboy backup copies a SQLite database, and this instance keeps its data in PostgreSQL (${describeLocation(config.database)}): ` +
          'back it up with PostgreSQL\'s own pg_dump, for example pg_dump --format=custom --file=FILE "$PAPERBOY_DATABASE_URL" (see docs/operations.md)',
      );
    }
    const source = config.database.file;
    const ctx = await openContext(opts);
    await ctx.close();
    if (path.resolve(source) === target) fail(`the copy cannot replace the database itself: ${target}`);
    const started = performance.now();
    const progress = backupProgress(ctx.log);
    let result: Awaited<ReturnType<typeof backupSqlite>>;
    try {
      result = await backupSqlite(source, target, progress.update);
    } catch (error) {
      fail(`the copy could not be made: ${error instanceof Error ? error.message : String(error)}`, 1);
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = { database: source, file: target, ...result, seconds: Math.round(seconds * 10) / 10 };
    process.stdout.write(
      opts.json
        ? `${JSON.stringify(summary)}\n`
        : `copied ${source} to ${target}: ${result.pages} pages, ${(result.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s` +
            `${result.restarts > 0 ? ' (started over once as the site wrote meanwhile, then copied whole)' : ''}\n`,
    );
  });
}

/** A bar on a terminal; a log line every few seconds otherwise (cron, pipes). */
function backupProgress(log: { info(obj: object, msg: string): void }): { update: (p: BackupProgress) => void; stop: () => void } {
  const percent = (p: BackupProgress) => (p.totalPages === 0 ? 100 : Math.floor(((p.totalPages - p.remainingPages) / p.totalPages) * 100));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: 'backup | {bar} {percentage}% | {value} of {total} pages', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(p.totalPages, 0);
        started = true;
        bar.setTotal(p.totalPages);
        bar.update(p.totalPages - p.remainingPages);
      },
      stop: () => bar.stop(),
    };
  }
  let lastLog = 0;
  return {
    update(p) {
      if (p.remainingPages !== 0 && Date.now() - lastLog < LOG_EVERY_MS) return;
      lastLog = Date.now();
      log.info({ totalPages: p.totalPages, remainingPages: p.remainingPages }, `backup: ${percent(p)}%`);
    },
    stop() {},
  };
}
