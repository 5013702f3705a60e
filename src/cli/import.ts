import fs from 'node:fs';
import type { Command } from 'commander';
import { embedImported } from '../search/open.js';
import { readSourceFile } from '../sources/files.js';
import { fail, openContext, withCommonOptions } from './context.js';
import { runIngest } from './run-ingest.js';

export function registerImport(program: Command): void {
  withCommonOptions(
    program
      .command('import')
      .description('import papers from files: arXiv metadata snapshot or JSON lines (plain or gzipped), Atom or OAI-PMH XML, .abs files')
      .argument('<files...>', 'files to import; the format of each is detected from its content')
      .option('--json', 'print the summary as JSON'),
  ).action(async (files: string[], opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    for (const file of files) if (!fs.existsSync(file)) fail(`no such file: ${file}`);
    const ctx = await openContext(opts);
    try {
      const report = await runIngest(ctx, 'import', opts.json ?? false, async (ingest, signal) => {
        for (const file of files) {
          if (signal.aborted) break;
          ctx.log.info({ file }, `importing ${file}`);
          await ingest.run(readSourceFile(file));
        }
      });
      if (!report.interrupted && report.inserted + report.updated > 0) await embedImported(ctx.db, ctx.log, ctx.config.search);
      process.exitCode = report.interrupted ? 130 : report.unread.length > 0 ? 1 : 0;
    } finally {
      await ctx.close();
    }
  });
}
