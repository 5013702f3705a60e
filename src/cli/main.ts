#!/usr/bin/env node
import { Command } from 'commander';
import { registerAnnouncements } from './announcements.js';
import { registerBackup } from './backup.js';
import { registerDigest } from './digest.js';
import { registerFetch } from './fetch.js';
import { registerHarvest } from './harvest.js';
import { registerEmbed } from './embed.js';
import { registerImport } from './import.js';
import { registerMcp } from './mcp.js';
import { registerModel } from './model.js';
import { registerSearch } from './search.js';
import { registerServe } from './serve.js';
import { registerShow } from './show.js';
import { registerStats } from './stats.js';
import { registerUsers } from './users.js';

const program = new Command()
  .name('paperboy')
  .description('A self-hosted daily-papers hub. Every command reads its settings from the environment; flags override them.')
  .showHelpAfterError()
  // A wrong command line exits with 2, as a wrong setting does (commander would use 1, which here
  // means the work itself failed); --help and --version still exit with 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

registerServe(program);
registerImport(program);
registerHarvest(program);
registerAnnouncements(program);
registerFetch(program);
registerShow(program);
registerStats(program);
registerUsers(program);
registerSearch(program);
registerEmbed(program);
registerDigest(program);
registerBackup(program);
registerMcp(program);
registerModel(program);

await program.parseAsync(process.argv);
