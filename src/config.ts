import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Paperboy reads, in one place. Each comes from an environment variable
 * and can be overridden by the matching command-line flag; see docs/operations.md.
 */
const schema = z.object({
  PAPERBOY_DATA_DIR: z.string().min(1).default('./data'),
  // Unset: the catalog and everything else live in <data dir>/paperboy.sqlite. Set: a PostgreSQL 15+ database.
  PAPERBOY_DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL such as postgres://paperboy:secret@127.0.0.1:5432/paperboy')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PAPERBOY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PAPERBOY_DEMO: z.enum(['true', 'false']).default('true'),
  PAPERBOY_ARXIV_API_URL: z.url().default('https://export.arxiv.org/api/query'),
  PAPERBOY_OAI_URL: z.url().default('https://export.arxiv.org/oai2'),
  // arXiv asks for at least 3 s between requests; tests point at a local server and go faster.
  PAPERBOY_ARXIV_INTERVAL_MS: z.coerce.number().int().min(0).default(3000),
  // Where links in emails point; the address people reach the site at. Unset: http://localhost:<PORT>.
  PAPERBOY_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  // Unset: mails are written to <data dir>/outbox/ instead of being sent.
  PAPERBOY_SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  PAPERBOY_MAIL_FROM: z
    .string()
    .refine((from) => !/[\r\n]/.test(from) && /@/.test(from), 'must be an address, optionally with a name: Paperboy <papers@example.org>')
    .default('Paperboy <paperboy@localhost>'),
  // Signs cookies. Unset: made once and kept in <data dir>/secret.key.
  PAPERBOY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Most messages per second to the SMTP relay (relays throttle or block senders that go faster).
  PAPERBOY_SMTP_RATE: z.coerce.number().positive().max(10_000).default(10),
  // Connections kept open to the relay at once; more hide its latency, if it allows them.
  PAPERBOY_SMTP_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(3),
  // First retry of a temporarily failed mail; each later one waits twice as long.
  PAPERBOY_MAIL_RETRY_MS: z.coerce.number().int().min(0).default(60_000),
  // When `paperboy serve` sends digests: the hour in the time zone (daily every day, weekly on Mondays; missed ones later).
  PAPERBOY_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  PAPERBOY_DIGEST_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris or UTC').default('UTC'),
  PAPERBOY_DIGEST_MAX_PAPERS: z.coerce.number().int().min(1).max(100).default(20),
  // Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. Unset: none, so a
  // client cannot choose the address its rate limits are counted under.
  PAPERBOY_TRUST_PROXY: z
    .string()
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .refine((entries) => entries.every(isAddressOrRange), 'must be addresses or CIDR ranges (not /0) separated by commas, such as 127.0.0.1,::1 or 10.0.0.0/8')
    .optional(),
  // The vectors of semantic search: learned from this catalog (no download), or a local sentence-embedding model.
  PAPERBOY_EMBEDDER: z.enum(['catalog', 'onnx'], { error: 'must be catalog or onnx' }).default('catalog'),
  // A model directory in the Hugging Face layout: config.json, tokenizer.json, onnx/model.onnx.
  PAPERBOY_ONNX_MODEL: z.string().optional(),
  // How token vectors become one vector: `mean` (MiniLM, e5) or `cls` (bge).
  PAPERBOY_ONNX_POOLING: z.enum(['mean', 'cls'], { error: 'must be mean or cls' }).default('mean'),
  // Put before every query, for models trained with one (bge: "Represent this sentence for searching relevant passages: ").
  PAPERBOY_ONNX_QUERY_PREFIX: z.string().default(''),
}).refine((v) => v.PAPERBOY_EMBEDDER !== 'onnx' || v.PAPERBOY_ONNX_MODEL !== undefined, {
  path: ['PAPERBOY_ONNX_MODEL'],
  message: 'PAPERBOY_EMBEDDER=onnx needs the directory of a local model',
});

/**
 * An address or CIDR range that proxy-addr (Fastify's trustProxy) can match. Not `/0` (every
 * client could claim any address), not a zone (`fe80::1%eth0`, never matched), and an IPv4 address
 * written in IPv6 form keeps at least its 96-bit prefix.
 */
function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0 || address.includes('%')) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  const least = family === 6 && address.includes('.') ? 96 : 1;
  return /^\d{1,3}$/.test(bits) && prefix >= least && prefix <= (family === 4 ? 32 : 128);
}

/** A postgres:// or postgresql:// URL naming a database. */
export function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Where the database is: a SQLite file (the default) or a PostgreSQL database. */
export type DatabaseLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The location for messages and logs: the file, or the URL with its password (if any) masked. */
export function describeLocation(location: DatabaseLocation): string {
  return location.kind === 'sqlite' ? location.file : maskPassword(location.url);
}

/** `scheme://user:***@host/...`, and `password=***` in a query string: URLs in messages never show a password. */
export function maskPassword(url: string): string {
  return url.replace(/\/\/([^@/]*?):[^@/]*@/, '//$1:***@').replace(/([?&]password=)[^&]*/i, '$1***');
}

export interface Config {
  dataDir: string;
  database: DatabaseLocation;
  port: number;
  host: string;
  logLevel: z.infer<typeof schema>['PAPERBOY_LOG_LEVEL'];
  loadDemo: boolean;
  arxivApiUrl: string;
  oaiUrl: string;
  arxivIntervalMs: number;
  /** No trailing slash: `https://papers.example.org`; without PAPERBOY_BASE_URL, `http://localhost:<port>`. */
  baseUrl: string;
  /** Whether baseUrl was given (PAPERBOY_BASE_URL) rather than made from the port. */
  baseUrlGiven: boolean;
  /** `smtp://user:pass@host:587`, or null to write mails to `<dataDir>/outbox/`. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Key that signs cookies; null to use (and make, the first time) `<dataDir>/secret.key`. */
  secret: string | null;
  /** Messages per second, at most, to the relay. */
  smtpRate: number;
  smtpConnections: number;
  /** Delay before the first retry of a temporary failure; doubled for each later one. */
  mailRetryMs: number;
  digest: {
    /** Hour (0-23) in `timeZone` at which `serve` sends the day's digests (weekly ones on Mondays). */
    hour: number;
    timeZone: string;
    /** Most papers in one digest. */
    maxPapers: number;
  };
  /** Addresses or CIDR ranges of the reverse proxies in front of the site; empty when there are none. */
  trustProxy: string[];
  search: SearchSettings;
}

/** Which embedder semantic search uses (see docs/search.md). */
export interface SearchSettings {
  embedder: 'catalog' | 'onnx';
  /** An absolute path; set when `embedder` is `onnx`. */
  onnxModelDir: string | null;
  onnxPooling: 'mean' | 'cls';
  onnxQueryPrefix: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Flags use the same names as the variables they override. */
export const flagToVariable = {
  dataDir: 'PAPERBOY_DATA_DIR',
  port: 'PORT',
  host: 'HOST',
  logLevel: 'PAPERBOY_LOG_LEVEL',
} as const;

export type ConfigFlags = Partial<Record<keyof typeof flagToVariable, string | number | undefined>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const merged: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) merged[key] = emptyToUndefined(env[key]);
  for (const [flag, variable] of Object.entries(flagToVariable)) {
    const value = flags[flag as keyof ConfigFlags];
    if (value !== undefined) merged[variable] = String(value);
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      const value = merged[variable] ?? '';
      // The SMTP and database URLs may carry a password and the secret is one: never print them.
      const shown =
        variable === 'PAPERBOY_SECRET'
          ? '***'
          : variable === 'PAPERBOY_SMTP_URL'
            ? value.replace(/\/\/[^@/]*@/, '//***@')
            : variable === 'PAPERBOY_DATABASE_URL'
              ? maskPassword(value)
              : value;
      return `  ${variable}=${JSON.stringify(shown)}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  const dataDir = path.resolve(v.PAPERBOY_DATA_DIR);
  return {
    dataDir,
    database: v.PAPERBOY_DATABASE_URL
      ? { kind: 'postgres', url: v.PAPERBOY_DATABASE_URL }
      : { kind: 'sqlite', file: path.join(dataDir, 'paperboy.sqlite') },
    port: v.PORT,
    host: v.HOST,
    logLevel: v.PAPERBOY_LOG_LEVEL,
    loadDemo: v.PAPERBOY_DEMO === 'true',
    arxivApiUrl: v.PAPERBOY_ARXIV_API_URL,
    oaiUrl: v.PAPERBOY_OAI_URL,
    arxivIntervalMs: v.PAPERBOY_ARXIV_INTERVAL_MS,
    baseUrl: v.PAPERBOY_BASE_URL ?? `http://localhost:${v.PORT}`,
    baseUrlGiven: v.PAPERBOY_BASE_URL !== undefined,
    smtpUrl: v.PAPERBOY_SMTP_URL ?? null,
    mailFrom: v.PAPERBOY_MAIL_FROM,
    secret: v.PAPERBOY_SECRET ?? null,
    smtpRate: v.PAPERBOY_SMTP_RATE,
    smtpConnections: v.PAPERBOY_SMTP_CONNECTIONS,
    mailRetryMs: v.PAPERBOY_MAIL_RETRY_MS,
    digest: { hour: v.PAPERBOY_DIGEST_HOUR, timeZone: v.PAPERBOY_DIGEST_TIMEZONE, maxPapers: v.PAPERBOY_DIGEST_MAX_PAPERS },
    trustProxy: v.PAPERBOY_TRUST_PROXY ?? [],
    search: {
      embedder: v.PAPERBOY_EMBEDDER,
      onnxModelDir: v.PAPERBOY_ONNX_MODEL === undefined ? null : path.resolve(v.PAPERBOY_ONNX_MODEL),
      onnxPooling: v.PAPERBOY_ONNX_POOLING,
      onnxQueryPrefix: v.PAPERBOY_ONNX_QUERY_PREFIX,
    },
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
