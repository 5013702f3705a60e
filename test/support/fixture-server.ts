/**
 * A local stand-in for arXiv in tests: an HTTP server on 127.0.0.1 (port 0) that serves the real
 * recorded responses in `fixtures/arxiv/`, scripts responses per request, injects faults, and
 * records every request it gets.
 *
 * Responses are chosen per request: first from the queue (`enqueue`), else from the handler
 * (`setHandler`; return `undefined` to answer 404). Multi-page responses are assembled from the
 * real records: OAI-PMH `<record>`s from the GetRecord fixtures wrapped into `<ListRecords>` pages
 * with `<resumptionToken>`s, and export-API pages from the real Atom `<entry>`. Only the paging
 * envelope is made up; the records are as recorded.
 */
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fixturesDir } from './paths.js';

export interface RecordedRequest {
  /** 1-based, in order of arrival. */
  index: number;
  method: string;
  path: string;
  query: URLSearchParams;
  /** `performance.now()` when the request arrived (same clock as the client's events). */
  t: number;
  headers: http.IncomingHttpHeaders;
}

export type ScriptedResponse =
  | { kind: 'reply'; status: number; headers?: Record<string, string>; body: string }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Close the connection without a response. */
  | { kind: 'reset' }
  /** Send the headers (announcing the full length) and the first `bytes` of the body, then close the connection. */
  | { kind: 'reset-mid-body'; status: number; headers?: Record<string, string>; body: string; bytes: number };

export type Handler = (req: RecordedRequest) => ScriptedResponse | undefined;

export class FixtureServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedResponse[] = [];
  private handler: Handler | undefined;

  private readonly server = http.createServer((req, res) => this.serve(req, res));
  private originUrl = '';

  private constructor() {
    this.server.keepAliveTimeout = 1000;
  }

  static async start(handler?: Handler): Promise<FixtureServer> {
    const self = new FixtureServer();
    self.handler = handler;
    await new Promise<void>((resolve, reject) => {
      self.server.once('error', reject);
      self.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = self.server.address() as AddressInfo;
    self.originUrl = `http://127.0.0.1:${port}`;
    return self;
  }

  /** `http://127.0.0.1:PORT` */
  get origin(): string {
    return this.originUrl;
  }

  /** An absolute URL on this server: `url('/api/query')`. */
  url(pathname: string): string {
    return new URL(pathname, this.origin).toString();
  }

  /** Responses served one per request, in order, before the handler is asked. */
  enqueue(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  setHandler(handler: Handler | undefined): this {
    this.handler = handler;
    return this;
  }

  /** Forget recorded requests and queued responses. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const t = performance.now();
    const url = new URL(req.url ?? '/', this.origin);
    const recorded: RecordedRequest = {
      index: this.requests.length + 1,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      t,
      headers: req.headers,
    };
    this.requests.push(recorded);
    let response: ScriptedResponse | undefined;
    try {
      response = this.queue.shift() ?? this.handler?.(recorded);
    } catch (err) {
      response = reply(`handler failed: ${err instanceof Error ? err.stack : String(err)}`, { status: 500, contentType: 'text/plain' });
    }
    response ??= reply(`no scripted response for ${req.url}`, { status: 404, contentType: 'text/plain' });
    send(req, res, response);
  }
}

function send(req: http.IncomingMessage, res: http.ServerResponse, r: ScriptedResponse): void {
  switch (r.kind) {
    case 'reply': {
      const body = Buffer.from(r.body, 'utf8');
      res.writeHead(r.status, { 'content-length': String(body.length), ...r.headers });
      res.end(body);
      return;
    }
    case 'hang':
      // Keep the socket open; the client's time-out (or close()) ends it.
      req.socket.setTimeout(0);
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'reset-mid-body': {
      const body = Buffer.from(r.body, 'utf8');
      res.writeHead(r.status, { 'content-length': String(body.length), ...r.headers });
      res.write(body.subarray(0, r.bytes), () => setTimeout(() => req.socket.destroy(), 10));
      return;
    }
  }
}

// ---------------------------------------------------------------- response builders

export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';
export const XML_TYPE = 'text/xml; charset=utf-8';

export function reply(body: string, init: { status?: number; contentType?: string; headers?: Record<string, string> } = {}): ScriptedResponse {
  return {
    kind: 'reply',
    status: init.status ?? 200,
    headers: { 'content-type': init.contentType ?? XML_TYPE, ...init.headers },
    body,
  };
}

/** 429 Too Many Requests with `Retry-After` (seconds, or an HTTP date string). */
export function tooManyRequests(retryAfter: number | string): ScriptedResponse {
  return reply('Rate exceeded.\n', { status: 429, contentType: 'text/plain', headers: { 'retry-after': String(retryAfter) } });
}

/** 503 with `Retry-After`, as arXiv's OAI-PMH endpoint answers when it wants the harvester to slow down. */
export function unavailable(retryAfter: number | string | null): ScriptedResponse {
  return reply(
    '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Retry after the indicated time</h1></body></html>\n',
    { status: 503, contentType: 'text/html', headers: retryAfter === null ? {} : { 'retry-after': String(retryAfter) } },
  );
}

export function hang(): ScriptedResponse {
  return { kind: 'hang' };
}

export function connectionReset(): ScriptedResponse {
  return { kind: 'reset' };
}

/** A well-formed HTTP response whose body is the real XML cut off part-way (a proxy or cache that gave up). */
export function truncated(xml: string, fraction = 0.5, contentType = XML_TYPE): ScriptedResponse {
  return reply(xml.slice(0, Math.floor(xml.length * fraction)), { contentType });
}

/** Headers announce the whole body, then the connection drops part-way through it. */
export function resetMidBody(xml: string, fraction = 0.5, contentType = XML_TYPE): ScriptedResponse {
  return { kind: 'reset-mid-body', status: 200, headers: { 'content-type': contentType }, body: xml, bytes: Math.floor(Buffer.byteLength(xml) * fraction) };
}

/** An HTML page where XML was expected (maintenance page, captive portal); status 200 unless told. */
export function htmlErrorPage(status = 200): ScriptedResponse {
  return reply(
    `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>arXiv is temporarily unavailable</title></head>
<body><h1>We are performing scheduled maintenance</h1><p>Please try again later.</p></body>
</html>
`,
    { status, contentType: 'text/html; charset=utf-8' },
  );
}

// ---------------------------------------------------------------- recorded fixtures

export function readFixture(relative: string): string {
  return readFileSync(path.join(fixturesDir, relative), 'utf8');
}

/** The one recorded export-API response. */
export function atomFixture(): string {
  return readFixture('atom/id_list-1601.00001.xml');
}

/** The real `<entry>` of the recorded export-API response, verbatim. */
export function atomEntry(): string {
  const m = /<entry>[\s\S]*?<\/entry>/.exec(atomFixture());
  if (!m) throw new Error('no <entry> in the Atom fixture');
  return m[0];
}

const OPENSEARCH = 'http://a9.com/-/spec/opensearch/1.1/';

/** An export-API page in arXiv's envelope around the given (real) entries. */
export function atomFeed(entries: string[], page: { totalResults: number; startIndex: number; itemsPerPage: number; query?: string }): string {
  const q = escapeXml(page.query ?? '');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?${q}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: ${q}</title>
  <id>http://arxiv.org/api/fixture</id>
  <updated>2020-09-04T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="${OPENSEARCH}">${page.totalResults}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="${OPENSEARCH}">${page.startIndex}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="${OPENSEARCH}">${page.itemsPerPage}</opensearch:itemsPerPage>
${entries.map((e) => `  ${e}`).join('\n')}
</feed>
`;
}

/** arXiv's error feed, as the API sends it (with HTTP 400) for e.g. a malformed id in `id_list`. */
export function atomErrorFeed(message: string): string {
  const anchor = `http://arxiv.org/api/errors#${message.replace(/\W+/g, '_')}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: error</title>
  <id>http://arxiv.org/api/error</id>
  <updated>2020-09-04T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="${OPENSEARCH}">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="${OPENSEARCH}">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="${OPENSEARCH}">1</opensearch:itemsPerPage>
  <entry>
    <id>${anchor}</id>
    <title>Error</title>
    <summary>${escapeXml(message)}</summary>
    <updated>2020-09-04T00:00:00-04:00</updated>
    <link href="${anchor}" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
`;
}

/**
 * Stands in for `/api/query`: a result list of `total` entries (the real entry, repeated), paged by
 * `start`/`max_results` (arXiv's default 10). An `id_list` request gets one entry per id.
 * Requests to other paths get `undefined` (404).
 */
export function arxivApiHandler(opts: { total: number; path?: string; entry?: string }): Handler {
  const entry = opts.entry ?? atomEntry();
  const apiPath = opts.path ?? '/api/query';
  return (req) => {
    if (req.path !== apiPath) return undefined;
    const q = req.query;
    const start = Number(q.get('start') ?? '0');
    const max = Number(q.get('max_results') ?? '10');
    const ids = (q.get('id_list') ?? '').split(',').filter((s) => s !== '');
    const total = ids.length > 0 ? ids.length : opts.total;
    const count = Math.max(0, Math.min(max, total - start));
    const body = atomFeed(Array.from({ length: count }, () => entry), { totalResults: total, startIndex: start, itemsPerPage: max, query: q.toString() });
    return reply(body, { contentType: ATOM_TYPE });
  };
}

export interface OaiRecordFixture {
  /** `1601.03238` */
  id: string;
  /** `<header><datestamp>` */
  datestamp: string;
  /** `<header><setSpec>`s, e.g. `physics:hep-th` */
  setSpecs: string[];
  /** The `<record>…</record>` element, verbatim. */
  xml: string;
}

/** The real records of the OAI-PMH GetRecord fixtures, in file-name order. */
export function oaiRecords(): OaiRecordFixture[] {
  const dir = path.join(fixturesDir, 'oai-pmh');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const xml = /<record>[\s\S]*<\/record>/.exec(text)?.[0];
      const identifier = /<identifier>\s*oai:arXiv\.org:([^<\s]+)\s*<\/identifier>/.exec(text)?.[1];
      const datestamp = /<datestamp>\s*([^<\s]+)\s*<\/datestamp>/.exec(text)?.[1];
      if (!xml || !identifier || !datestamp) throw new Error(`${f}: no <record> with identifier and datestamp`);
      const setSpecs = [...text.matchAll(/<setSpec>\s*([^<\s]+)\s*<\/setSpec>/g)].map((m) => m[1] ?? '');
      return { id: identifier, datestamp, setSpecs, xml };
    });
}

const OAI_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">';

function oaiRequestElement(args: Record<string, string>): string {
  const attrs = Object.entries(args)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return `<request${attrs}>http://export.arxiv.org/oai2</request>`;
}

/**
 * A `ListRecords` page around the given (real) `<record>` elements. `token`: the next page's
 * token; `null` gives the empty `<resumptionToken/>` that ends a multi-page list; omit it for a
 * single-page list.
 */
export function oaiListRecordsPage(
  records: string[],
  opts: { args?: Record<string, string>; token?: string | null; cursor?: number; completeListSize?: number; responseDate?: string } = {},
): string {
  let rt = '';
  if (opts.token !== undefined) {
    const attrs = `${opts.cursor !== undefined ? ` cursor="${opts.cursor}"` : ''}${opts.completeListSize !== undefined ? ` completeListSize="${opts.completeListSize}"` : ''}`;
    rt = opts.token === null ? `<resumptionToken${attrs}/>` : `<resumptionToken${attrs}>${escapeXml(opts.token)}</resumptionToken>`;
  }
  return `${OAI_OPEN}
<responseDate>${opts.responseDate ?? '2018-01-26T09:05:29Z'}</responseDate>
${oaiRequestElement(opts.args ?? { verb: 'ListRecords', metadataPrefix: 'arXiv' })}
<ListRecords>
${records.join('\n')}
${rt}
</ListRecords>
</OAI-PMH>
`;
}

/** An OAI-PMH error response: `noRecordsMatch`, `badResumptionToken`, `badArgument`, … */
export function oaiErrorPage(code: string, message: string, args: Record<string, string> = { verb: 'ListRecords' }): string {
  return `${OAI_OPEN}
<responseDate>2018-01-26T09:05:29Z</responseDate>
${oaiRequestElement(args)}
<error code="${escapeXml(code)}">${escapeXml(message)}</error>
</OAI-PMH>
`;
}

/**
 * Stands in for arXiv's OAI-PMH `ListRecords`: the records matching `set` (a setSpec or its
 * prefix before `:`) and `from`/`until` (datestamp), `pageSize` per page, with resumption tokens
 * `g<generation>-<offset>`. `expireTokens()` makes every token issued so far `badResumptionToken`
 * (as after arXiv's tokens time out). No record matching gives `noRecordsMatch`.
 */
export class OaiListRecords {
  private generation = 1;
  private readonly issued: { token: string; offset: number; generation: number; selection: OaiRecordFixture[] }[] = [];

  constructor(
    readonly records: OaiRecordFixture[] = oaiRecords(),
    readonly pageSize = 2,
    readonly path = '/oai2',
    /** The format the records are written in. */
    readonly metadataPrefix: 'arXiv' | 'arXivRaw' = 'arXiv',
  ) {}

  expireTokens(): void {
    this.generation++;
  }

  readonly handler: Handler = (req) => {
    if (req.path !== this.path) return undefined;
    const q = req.query;
    const args = Object.fromEntries(q.entries());
    if (q.get('verb') !== 'ListRecords') return reply(oaiErrorPage('badVerb', `Illegal verb ${q.get('verb') ?? ''}`, {}));
    const token = q.get('resumptionToken');
    if (token !== null) {
      if ([...q.keys()].some((k) => k !== 'verb' && k !== 'resumptionToken')) {
        return reply(oaiErrorPage('badArgument', 'resumptionToken is an exclusive argument', {}));
      }
      const state = this.issued.find((s) => s.token === token);
      if (!state || state.generation !== this.generation) {
        return reply(oaiErrorPage('badResumptionToken', `Invalid or expired resumptionToken ${token}`, args));
      }
      return reply(this.page(state.selection, state.offset, args));
    }
    if (q.get('metadataPrefix') !== this.metadataPrefix) return reply(oaiErrorPage('cannotDisseminateFormat', `Only ${this.metadataPrefix} here`, args));
    const set = q.get('set');
    const from = q.get('from');
    const until = q.get('until');
    const selection = this.records.filter(
      (r) =>
        (set === null || r.setSpecs.some((s) => s === set || s.split(':')[0] === set)) &&
        (from === null || r.datestamp >= from) &&
        (until === null || r.datestamp <= until),
    );
    if (selection.length === 0) return reply(oaiErrorPage('noRecordsMatch', 'No records match', args));
    return reply(this.page(selection, 0, args));
  };

  private page(selection: OaiRecordFixture[], offset: number, args: Record<string, string>): string {
    const slice = selection.slice(offset, offset + this.pageSize).map((r) => r.xml);
    const next = offset + this.pageSize;
    if (offset === 0 && next >= selection.length) return oaiListRecordsPage(slice, { args });
    let token: string | null = null;
    if (next < selection.length) {
      token = `g${this.generation}-${next}-${this.issued.length}`;
      this.issued.push({ token, offset: next, generation: this.generation, selection });
    }
    return oaiListRecordsPage(slice, { args, token, cursor: offset, completeListSize: selection.length });
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
