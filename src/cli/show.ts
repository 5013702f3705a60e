import type { Command } from 'commander';
import { parseArxivId } from '../papers/arxiv-id.js';
import { getPaper } from '../store/papers.js';
import { fail, openContext, withCommonOptions } from './context.js';

export function registerShow(program: Command): void {
  withCommonOptions(
    program
      .command('show')
      .description('show one paper from the catalog')
      .argument('<id>', 'arXiv id or URL, e.g. 2401.12345 or hep-th/9901001')
      .option('--json', 'print the paper as JSON'),
  ).action(async (raw: string, opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    const parsed = parseArxivId(raw);
    if (!parsed) fail(`not an arXiv id: ${JSON.stringify(raw)}`);
    const ctx = await openContext(opts);
    try {
      const paper = await getPaper(ctx.db, parsed.id);
      if (!paper) fail(`${parsed.id} is not in the catalog (try: paperboy fetch --id ${parsed.id})`, 1);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(paper, null, 2)}\n`);
        return;
      }
      const lines = [
        `${paper.id}v${paper.version}  ${paper.title}`,
        `authors:    ${paper.authors.join(', ')}`,
        `categories: ${paper.categories.join(' ')} (primary ${paper.primaryCategory})`,
        `day:        ${paper.day}   published ${paper.published ?? '?'}   updated ${paper.updated ?? '?'}`,
        ...(paper.comment ? [`comment:    ${paper.comment}`] : []),
        ...(paper.journalRef ? [`journal:    ${paper.journalRef}`] : []),
        ...(paper.doi ? [`doi:        ${paper.doi}`] : []),
        ...paper.links.map((l) => `${(l.kind + ':').padEnd(12)}${l.url}`),
        ...paper.versions.map((v) => `v${v.version}          ${v.date}${v.size ? ` (${v.size})` : ''}`),
        '',
        paper.abstract,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await ctx.close();
    }
  });
}
