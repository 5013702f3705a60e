#!/usr/bin/env node
import { Command } from 'commander';
import { registerDb } from './db.js';
import { registerDigest } from './digest.js';
import { registerFetch } from './fetch.js';
import { registerHarvest } from './harvest.js';
import { registerEmbed } from './embed.js';
import { registerImport } from './import.js';
import { registerSearch } from './search.js';
import { registerServe } from './serve.js';
import { registerShow } from './show.js';
import { registerStats } from './stats.js';
import { registerUsers } from './users.js';

const program = new Command()
  .name('paperboy')
  .description('A self-hosted daily-papers hub. Every command reads its settings from the environment; flags override them.')
  .showHelpAfterError();

registerServe(program);
registerImport(program);
registerHarvest(program);
registerFetch(program);
registerShow(program);
registerStats(program);
registerUsers(program);
registerSearch(program);
registerEmbed(program);
registerDigest(program);
registerDb(program);

await program.parseAsync(process.argv);
