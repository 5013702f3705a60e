#!/usr/bin/env node
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: between them they load the whole
 * site, the embedders and the MCP server, and `paperboy stats` has no need of those (loading
 * everything cost several seconds for every command). Help and an unknown name load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve.js')).registerServe,
  worker: async () => (await import('./worker.js')).registerWorker,
  import: async () => (await import('./import.js')).registerImport,
  harvest: async () => (await import('./harvest.js')).registerHarvest,
  announcements: async () => (await import('./announcements.js')).registerAnnouncements,
  fetch: async () => (await import('./fetch.js')).registerFetch,
  show: async () => (await import('./show.js')).registerShow,
  stats: async () => (await import('./stats.js')).registerStats,
  users: async () => (await import('./users.js')).registerUsers,
  search: async () => (await import('./search.js')).registerSearch,
  embed: async () => (await import('./embed.js')).registerEmbed,
  digest: async () => (await import('./digest.js')).registerDigest,
  backup: async () => (await import('./backup.js')).registerBackup,
  db: async () => (await import('./db.js')).registerDb,
  mcp: async () => (await import('./mcp.js')).registerMcp,
  model: async () => (await import('./model.js')).registerModel,
};

const program = new Command()
  .name('paperboy')
  .description('A self-hosted daily-papers hub. Every command reads its settings from the environment; flags override them.')
  .showHelpAfterError()
  // A wrong command line exits with 2, as a wrong setting does (commander would use 1, which here
  // means the work itself failed); --help and --version still exit with 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);

await program.parseAsync(process.argv);
