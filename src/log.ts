import { pino, type Logger } from 'pino';

export type { Logger };

/** Logs go to stderr so that `--json` output on stdout stays machine-readable. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
