import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Logs go to stderr so that `--json` output on stdout stays machine-readable: readable lines
 * for a person at a terminal, JSON lines for log collectors everywhere else.
 */
export function createLogger(level: string): Logger {
  const destination = process.stderr.isTTY
    ? pretty({ destination: 2, colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname', sync: true })
    : pino.destination(2);
  return pino({ level, base: undefined }, destination);
}
