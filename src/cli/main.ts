#!/usr/bin/env node
import { Command } from 'commander';
import { registerFetch } from './fetch.js';
import { registerHarvest } from './harvest.js';
import { registerImport } from './import.js';
import { registerServe } from './serve.js';
import { registerShow } from './show.js';
import { registerStats } from './stats.js';

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

await program.parseAsync(process.argv);
