import { Option, type Command } from 'commander';
import { runDigests, runGroupDigests, type DigestRunReport } from '../digest/run.js';
import { configuredMailer } from '../mail/mailer.js';
import type { DigestFrequency } from '../store/schema.js';
import { serverSecret } from '../web/secret.js';
import { fail, interruptSignal, openContext, withCommonOptions } from './context.js';

interface DigestFlags {
  daily?: boolean;
  weekly?: boolean;
  groups?: boolean;
  dryRun?: boolean;
  wait: string;
  json?: boolean;
  dataDir?: string;
  logLevel?: string;
}

export function registerDigest(program: Command): void {
  const digest = program.command('digest').description('email digests');
  withCommonOptions(
    digest
      .command('run')
      .description("compose and send the daily (default) or weekly digests, or the groups' weekly ones; safe to run again: nothing is sent twice")
      .addOption(new Option('--daily', 'the newest listing day (the default)').conflicts('weekly'))
      .addOption(new Option('--weekly', 'the last complete ISO week'))
      .addOption(new Option('--groups', "the groups' weekly digests of this ISO week").conflicts(['daily', 'weekly', 'dryRun']))
      .option('--dry-run', 'write each digest as an .eml file under <data dir>/dry-run/ instead of sending it; marks nothing as sent')
      .option('--wait <minutes>', 'how long to keep retrying mails the relay refused for now (they stay queued after that)', '30')
      .option('--json', 'print the summary as JSON'),
  ).action(async (opts: DigestFlags) => {
    const waitMinutes = Number(opts.wait);
    if (!Number.isFinite(waitMinutes) || waitMinutes < 0) fail(`--wait: expected a number of minutes, got ${JSON.stringify(opts.wait)}`);
    const frequency: DigestFrequency = opts.weekly ? 'weekly' : 'daily';
    const ctx = await openContext(opts);
    const { config, log } = ctx;
    const mailer = configuredMailer(config, log);
    const deps = { db: ctx.db, log, mailer, config, secret: serverSecret(config.dataDir, config.secret) };
    if (opts.groups) {
      try {
        const report = await runGroupDigests(deps, { maxWaitMs: waitMinutes * 60_000, signal: interruptSignal(log) });
        const d = report.delivery;
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(report)}\n`
            : `group digests for ${report.week}: ${report.readers} readers, composed ${report.composed}, already composed earlier ${report.alreadyComposed}, nothing new for ${report.nothingNew}\n  sent ${d.sent}, retrying later ${d.retrying}, bounced ${d.bounced}, failed ${d.failed}, cancelled ${d.cancelled}\n`,
        );
        if (d.retrying > 0 || d.failed > 0) process.exitCode = 1;
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error), 1);
      } finally {
        mailer.close();
        await ctx.close();
      }
      return;
    }
    try {
      const report = await runDigests(
        deps,
        { frequency, dryRun: opts.dryRun ?? false, maxWaitMs: waitMinutes * 60_000, signal: interruptSignal(log) },
      );
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : describe(report));
      const d = report.delivery;
      if (d && (d.retrying > 0 || d.failed > 0)) process.exitCode = 1;
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), 1);
    } finally {
      mailer.close();
      await ctx.close();
    }
  });
}

function describe(r: DigestRunReport): string {
  if (!r.period) return 'the catalog is empty: no digests\n';
  const lines = [
    `${r.frequency} digest for ${r.period.key}: ${r.readers} readers, ${r.candidates} papers in the period`,
    `  composed ${r.composed}, already composed earlier ${r.alreadyComposed}, nothing new for ${r.nothingNew}`,
  ];
  if (r.files.length > 0) lines.push(`  dry run: ${r.files.length} .eml files in ${r.files[0]!.replace(/\/[^/]+$/, '')}`);
  const d = r.delivery;
  if (d) lines.push(`  sent ${d.sent}, retrying later ${d.retrying}, bounced ${d.bounced}, failed ${d.failed}, cancelled ${d.cancelled}`);
  return `${lines.join('\n')}\n`;
}
