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
  // Whether `paperboy serve` runs the scheduled work (reading arXiv, embedding, digests, mail, enrichment) or
  // only serves pages, for a site whose `paperboy worker` runs it (serve --no-jobs).
  PAPERBOY_SERVE_JOBS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  PAPERBOY_ARXIV_API_URL: z.url().default('https://export.arxiv.org/api/query'),
  PAPERBOY_OAI_URL: z.url().default('https://export.arxiv.org/oai2'),
  // The daily announcement feed; the categories are appended (https://rss.arxiv.org/rss/cs.CL+cs.LG).
  PAPERBOY_ARXIV_RSS_URL: z.url().default('https://rss.arxiv.org/rss/'),
  // arXiv asks for at least 3 s between requests; tests point at a local server and go faster.
  PAPERBOY_ARXIV_INTERVAL_MS: z.coerce.number().int().min(0).default(3000),
  // What `serve` reads from arXiv every announcement: categories and archives (cs.CL cs.LG stat.ML, cs), or none.
  PAPERBOY_ARXIV_CATEGORIES: z
    .string()
    .default('cs')
    .transform((value) => (value.trim() === 'none' ? [] : value.split(/[\s,]+/).filter((entry) => entry !== '')))
    .refine((entries) => entries.every((entry) => /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/.test(entry)), 'must be arXiv categories or archives separated by spaces, such as cs.CL cs.LG stat.ML, or none'),
  // Who arXiv can write to about this harvester; sent in the User-Agent of every request to arXiv.
  PAPERBOY_CONTACT_EMAIL: z
    .string()
    .refine((address) => /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(address), 'must be an e-mail address such as admin@example.org')
    .optional(),
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
  // Signs cookies and links. Unset: made once and kept in <data dir>/secret.key (SQLite) or in the database (PostgreSQL).
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
  // A member's personal API token, for `paperboy mcp`: what the assistant that started it may do as that member.
  PAPERBOY_API_TOKEN: z.string().optional(),
  // Members whose confirmed address is in one of these domains (or a subdomain) have their author
  // claims approved at once, without a moderator: the institution vouches for them. Unset: none.
  PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS: z
    .string()
    .transform((list) => list.split(',').map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== ''))
    .refine((domains) => domains.every(isDomain), 'must be domain names separated by commas, such as example.edu,cs.example.org')
    .optional(),
  // Lets group chat webhooks reach private, loopback and link-local addresses, and plain http (a chat server on the operator's own network).
  PAPERBOY_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  // The vectors of semantic search: learned from this catalog (no download), or a local sentence-embedding model.
  PAPERBOY_EMBEDDER: z.enum(['catalog', 'onnx'], { error: 'must be catalog or onnx' }).default('catalog'),
  // A model pulled into the data directory, by name (`paperboy model pull Xenova/bge-small-en-v1.5`), or the
  // directory of one in the Hugging Face layout (config.json, tokenizer.json, onnx/model.onnx).
  PAPERBOY_ONNX_MODEL: z.string().optional(),
  // Where `paperboy model pull` downloads models from (transformers.js's remote host): the Hugging Face Hub or a mirror of it.
  PAPERBOY_MODEL_HOST: z.url({ protocol: /^https?$/ }).transform((url) => (url.endsWith('/') ? url : `${url}/`)).default('https://huggingface.co/'),
  // How token vectors become one vector: `mean` (MiniLM, e5) or `cls` (bge).
  PAPERBOY_ONNX_POOLING: z.enum(['mean', 'cls'], { error: 'must be mean or cls' }).default('mean'),
  // Put before every query, for models trained with one (bge: "Represent this sentence for searching relevant passages: ").
  PAPERBOY_ONNX_QUERY_PREFIX: z.string().default(''),
  // What a day, week or month page shows first: the featured papers (members' submissions and moderators' picks), or every paper in one list.
  PAPERBOY_DAY_PAGE: z.enum(['featured', 'full'], { error: 'must be featured or full' }).default('featured'),
  // Outside services that enrich papers; each is optional. `off` asks nothing of it.
  PAPERBOY_GITHUB_API_URL: serviceUrl('https://api.github.com'),
  // A GitHub token raises the limit from 60 to 5,000 requests an hour; it needs no scope (public data only).
  PAPERBOY_GITHUB_TOKEN: z.string().optional(),
  PAPERBOY_HUB_URL: serviceUrl('https://huggingface.co'),
  // An OpenAI-compatible chat completions endpoint, up to `/v1` (Ollama: http://localhost:11434/v1). Unset: summaries are a sentence of the abstract.
  PAPERBOY_LLM_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:11434/v1' }).transform((url) => url.replace(/\/+$/, '')).optional(),
  PAPERBOY_LLM_MODEL: z.string().optional(),
  PAPERBOY_LLM_KEY: z.string().optional(),
  PAPERBOY_LLM_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  PAPERBOY_LLM_DAILY_BUDGET: z.coerce.number().int().min(0).default(500),
  // How long any one request to an outside service may take.
  PAPERBOY_SERVICE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
}).refine((v) => v.PAPERBOY_EMBEDDER !== 'onnx' || v.PAPERBOY_ONNX_MODEL !== undefined, {
  path: ['PAPERBOY_ONNX_MODEL'],
  message: 'PAPERBOY_EMBEDDER=onnx needs a model: the name of one pulled with `paperboy model pull`, or a directory',
}).refine((v) => v.PAPERBOY_LLM_URL === undefined || v.PAPERBOY_LLM_MODEL !== undefined, {
  path: ['PAPERBOY_LLM_MODEL'],
  message: 'PAPERBOY_LLM_URL needs the model to ask for, such as llama3.2 or gpt-4o-mini',
});

/** A service's base URL, its public address by default, or `off`. */
function serviceUrl(defaultUrl: string) {
  return z
    .union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, or off' })], { error: 'must be an http(s) URL, or off' })
    .default(defaultUrl)
    .transform((url) => (url === 'off' ? null : url.replace(/\/+$/, '')));
}

/** Settings whose values are secret, or may carry one: never printed. */
const SECRETS = new Set(['PAPERBOY_SECRET', 'PAPERBOY_API_TOKEN', 'PAPERBOY_GITHUB_TOKEN', 'PAPERBOY_LLM_KEY']);
const URLS_WITH_CREDENTIALS = new Set(['PAPERBOY_SMTP_URL', 'PAPERBOY_LLM_URL', 'PAPERBOY_GITHUB_API_URL', 'PAPERBOY_HUB_URL']);

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

/** A model's name on the Hugging Face Hub: `owner/name`, as `paperboy model pull` takes it. */
export const MODEL_NAME = /^[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\/[A-Za-z0-9][\w-]*(?:\.[\w-]+)*$/;

/**
 * PAPERBOY_ONNX_MODEL as a directory: a name (`Xenova/bge-small-en-v1.5`) is the model pulled into
 * `modelsDir`; anything else (`/srv/models/minilm`, `./minilm`) is a directory of its own.
 */
export function modelDirectory(value: string, modelsDir: string): string {
  return MODEL_NAME.test(value) ? path.join(modelsDir, ...value.split('/')) : path.resolve(value);
}

/** A domain name as mail addresses end in: labels of letters, digits and hyphens, at least two of them. */
function isDomain(entry: string): boolean {
  return /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(entry);
}

/** Whether `zone` is an IANA time zone this Node knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
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
  /** Whether `paperboy serve` runs the scheduled work too (PAPERBOY_SERVE_JOBS, serve --no-jobs). */
  serveJobs: boolean;
  arxivApiUrl: string;
  oaiUrl: string;
  arxivIntervalMs: number;
  arxivRssUrl: string;
  /** Categories and archives read every announcement; empty when the daily read is off. */
  arxivCategories: string[];
  /** Sent to arXiv in the User-Agent; null when not configured. */
  contactEmail: string | null;
  /** No trailing slash: `https://papers.example.org`; without PAPERBOY_BASE_URL, `http://localhost:<port>`. */
  baseUrl: string;
  /** Whether baseUrl was given (PAPERBOY_BASE_URL) rather than made from the port. */
  baseUrlGiven: boolean;
  /** `smtp://user:pass@host:587`, or null to write mails to `<dataDir>/outbox/`. */
  smtpUrl: string | null;
  mailFrom: string;
  /**
   * Key that signs cookies; null to use (and make, the first time) `<dataDir>/secret.key`. On
   * PostgreSQL a command fills it in from the database at start (web/secret.ts, sharedSecret).
   */
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
  /** A personal API token for the stdio MCP server (`paperboy mcp`); null for read-only use. */
  apiToken: string | null;
  /** Domains whose members' author claims are approved without a moderator; empty when none. */
  claimAutoApproveDomains: string[];
  /** PAPERBOY_WEBHOOK_ALLOW_PRIVATE: group webhooks may post to private addresses and over plain http. */
  webhookAllowPrivate: boolean;
  search: SearchSettings;
  /** Day, week and month pages: featured papers first, then all new papers; or one list of every paper. */
  dayPage: 'featured' | 'full';
  services: ServiceSettings;
}

/** The outside services that enrich papers; null where the operator turned one off or did not configure it. */
export interface ServiceSettings {
  /** Every request's time-out, ms. */
  timeoutMs: number;
  github: { apiUrl: string; token: string | null } | null;
  hub: { url: string } | null;
  llm: LlmSettings | null;
}

export interface LlmSettings {
  /** Base URL up to `/v1`; requests go to `<url>/chat/completions`. */
  url: string;
  model: string;
  key: string | null;
  perMinute: number;
  dailyBudget: number;
}

/** Which embedder semantic search uses (see docs/search.md). */
export interface SearchSettings {
  embedder: 'catalog' | 'onnx';
  /** An absolute path: the directory given, or where the model named was pulled to; set when `embedder` is `onnx`. */
  onnxModelDir: string | null;
  /** Where `paperboy model pull` puts models, each under its name: `<dataDir>/models`. */
  modelsDir: string;
  /** The Hugging Face Hub, or a mirror of it, with a trailing slash. */
  modelHost: string;
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
  /** `serve --no-jobs` gives 'false'. */
  jobs: 'PAPERBOY_SERVE_JOBS',
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
      // URLs may carry a password and secrets are one: never print them.
      const shown = SECRETS.has(variable)
        ? '***'
        : variable === 'PAPERBOY_DATABASE_URL'
          ? maskPassword(value)
          : URLS_WITH_CREDENTIALS.has(variable)
            ? value.replace(/\/\/[^@/]*@/, '//***@')
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
    serveJobs: v.PAPERBOY_SERVE_JOBS === 'true',
    arxivApiUrl: v.PAPERBOY_ARXIV_API_URL,
    oaiUrl: v.PAPERBOY_OAI_URL,
    arxivIntervalMs: v.PAPERBOY_ARXIV_INTERVAL_MS,
    arxivRssUrl: v.PAPERBOY_ARXIV_RSS_URL,
    arxivCategories: v.PAPERBOY_ARXIV_CATEGORIES,
    contactEmail: v.PAPERBOY_CONTACT_EMAIL ?? null,
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
    apiToken: v.PAPERBOY_API_TOKEN ?? null,
    claimAutoApproveDomains: v.PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS ?? [],
    webhookAllowPrivate: v.PAPERBOY_WEBHOOK_ALLOW_PRIVATE === 'true',
    search: {
      embedder: v.PAPERBOY_EMBEDDER,
      onnxModelDir: v.PAPERBOY_ONNX_MODEL === undefined ? null : modelDirectory(v.PAPERBOY_ONNX_MODEL, path.join(dataDir, 'models')),
      modelsDir: path.join(dataDir, 'models'),
      modelHost: v.PAPERBOY_MODEL_HOST,
      onnxPooling: v.PAPERBOY_ONNX_POOLING,
      onnxQueryPrefix: v.PAPERBOY_ONNX_QUERY_PREFIX,
    },
    dayPage: v.PAPERBOY_DAY_PAGE,
    services: {
      timeoutMs: v.PAPERBOY_SERVICE_TIMEOUT_MS,
      github: v.PAPERBOY_GITHUB_API_URL === null ? null : { apiUrl: v.PAPERBOY_GITHUB_API_URL, token: v.PAPERBOY_GITHUB_TOKEN ?? null },
      hub: v.PAPERBOY_HUB_URL === null ? null : { url: v.PAPERBOY_HUB_URL },
      llm:
        v.PAPERBOY_LLM_URL === undefined
          ? null
          : {
              url: v.PAPERBOY_LLM_URL,
              model: v.PAPERBOY_LLM_MODEL!,
              key: v.PAPERBOY_LLM_KEY ?? null,
              perMinute: v.PAPERBOY_LLM_PER_MINUTE,
              dailyBudget: v.PAPERBOY_LLM_DAILY_BUDGET,
            },
    },
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
