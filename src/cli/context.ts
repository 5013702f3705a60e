import { Command, Option } from 'commander';
import { ConfigError, describeLocation, loadConfig, type Config, type ConfigFlags } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { openDatabase, type Db } from '../store/db.js';
import { sharedSecret } from '../web/secret.js';

/** What every command needs: validated configuration, a logger and (opened lazily) the database. */
export interface CommandContext {
  config: Config;
  log: Logger;
  db: Db;
  close(): Promise<void>;
}

/** Adds the flags every command shares; each mirrors an environment variable. */
export function withCommonOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'where the database and outbox live').env('PAPERBOY_DATA_DIR'))
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent').env('PAPERBOY_LOG_LEVEL'));
}

/** The configuration from the environment and flags; a wrong value ends the process naming it. */
export function commandConfig(flags: ConfigFlags): Config {
  try {
    return loadConfig(process.env, flags);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

export async function openContext(flags: ConfigFlags): Promise<CommandContext> {
  const config = commandConfig(flags);
  const log = createLogger(config.logLevel);
  let db: Db;
  try {
    db = await openDatabase(config.database, { log });
  } catch (error) {
    // A server that is down, a refused login, a database made with the wrong settings: say which
    // database (its password masked) and what it answered, not a stack trace.
    fail(`cannot use the database ${describeLocation(config.database)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Every process of a site signs cookies and links alike: on PostgreSQL, with the database's secret.
  const secret = config.secret ?? (await sharedSecret(db, config.database, config.dataDir));
  return { config: { ...config, secret }, log, db, close: () => db.destroy() };
}

/** Ends the process with a message for a person, not a stack trace. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`paperboy: ${message}\n`);
  process.exit(code);
}

/**
 * The first Ctrl-C asks a long job to stop after the batch it is writing; the second ends the process.
 * Either way the database stays consistent, because every batch is one transaction.
 */
export function interruptSignal(log: Logger): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    log.warn({ signal }, 'stopping after the current batch (press Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
