import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SourceItem } from '../../src/papers/paper.js';
import { categorySearchQuery, fetchByCategory, fetchByIds, formatSubmittedDate } from '../../src/sources/arxiv-api.js';
import { FeedError } from '../../src/sources/feed-error.js';
import { HttpClient, HttpError, type HttpClientOptions, type HttpLogger } from '../../src/sources/http.js';
import { OaiError, harvestOai, type OaiCheckpoint, type OaiPageResult } from '../../src/sources/oai-harvest.js';
import {
  FixtureServer,
  OaiListRecords,
  arxivApiHandler,
  atomErrorFeed,
  atomFixture,
  htmlErrorPage,
  oaiErrorPage,
  oaiListRecordsPage,
  oaiRecords,
  reply,
  truncated,
  unavailable,
  type Handler,
  type ScriptedResponse,
} from '../support/fixture-server.js';

const INTERVAL = 50;

interface LogLine {
  level: 'info' | 'warn';
  msg: string;
  obj: object;
}

function makeClient(opts: HttpClientOptions = {}): { client: HttpClient; logs: LogLine[]; starts: number[] } {
  const logs: LogLine[] = [];
  const starts: number[] = [];
  const logger: HttpLogger = {
    info: (obj, msg) => logs.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => logs.push({ level: 'warn', msg, obj }),
  };
  const client = new HttpClient({
    minIntervalMs: INTERVAL,
    timeoutMs: 2000,
    maxAttempts: 3,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
    logger,
    onEvent: (e) => {
      if (e.type === 'request') starts.push(e.t);
    },
    ...opts,
  });
  return { client, logs, starts };
}

/** Serve `faults[n]` for the n-th request (1-based), else ask `handler`. */
function withFaults(handler: Handler, faults: Record<number, ScriptedResponse>): Handler {
  return (req) => faults[req.index] ?? handler(req);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function recordIds(items: SourceItem[]): string[] {
  return items.map((i) => (i.kind === 'record' ? String(i.input.id) : `error: ${i.error.message}`));
}

function errors(items: SourceItem[]) {
  return items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));
}

/**
 * The client started its requests at least INTERVAL apart, and each reached the server at least
 * INTERVAL after the previous one was started. (Arrival-to-arrival gaps also carry loopback
 * latency, which varies by a few ms between requests: not what the client controls.)
 */
function assertSpaced(server: FixtureServer, starts: number[]): void {
  assert.equal(starts.length, server.requests.length);
  for (let i = 1; i < starts.length; i++) {
    const previous = starts[i - 1] as number;
    assert.ok((starts[i] as number) - previous >= INTERVAL, `requests ${i} and ${i + 1} started ${(starts[i] as number) - previous} ms apart`);
    assert.ok(server.requests[i]!.t - previous >= INTERVAL, `request ${i + 1} arrived ${server.requests[i]!.t - previous} ms after request ${i} started`);
  }
}

const ALL_OAI_IDS = oaiRecords().map((r) => r.id);

describe('arXiv export API', () => {
  let server: FixtureServer;
  let apiUrl: string;

  before(async () => {
    server = await FixtureServer.start();
    apiUrl = server.url('/api/query');
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('formats the category query', () => {
    const q = { category: 'cs.CL', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-01T23:59:59Z') };
    assert.equal(formatSubmittedDate(q.from), '202401010000');
    assert.equal(categorySearchQuery(q), 'cat:cs.CL AND submittedDate:[202401010000 TO 202401012359]');
    assert.throws(() => categorySearchQuery({ ...q, category: 'cs.CL OR x' }), RangeError);
  });

  it('looks ids up in batches of at most 100, in order', async () => {
    server.setHandler(arxivApiHandler({ total: 0 }));
    const { client, starts } = makeClient();
    const ids = Array.from({ length: 201 }, (_, i) => `2401.${String(i).padStart(5, '0')}`);
    const items = await collect(fetchByIds([...ids, ' ', ids[0]!], { client, baseUrl: apiUrl }));

    assert.equal(items.length, 201);
    assert.ok(items.every((i) => i.kind === 'record'));
    const first = items[0];
    assert.ok(first?.kind === 'record');
    assert.equal(first.input.id, 'http://arxiv.org/abs/1601.00001v1');
    assert.equal(first.input.where, `GET ${apiUrl}?id_list=${encodeURIComponent(ids.slice(0, 100).join(','))}&start=0&max_results=100#record 1`);

    const batches = server.requests.map((r) => (r.query.get('id_list') ?? '').split(','));
    assert.deepEqual(
      batches.map((b) => b.length),
      [100, 100, 1],
    );
    assert.deepEqual(batches.flat(), ids);
    assert.deepEqual(
      server.requests.map((r) => r.query.get('max_results')),
      ['100', '100', '1'],
    );
    assertSpaced(server, starts);
  });

  it('a batch whose body is truncated after retries becomes an error item; the next batch goes on', async () => {
    const real = atomFixture();
    // Batch 2 is cut off on the first fetch and on the re-fetch.
    server.setHandler(withFaults(arxivApiHandler({ total: 0 }), { 2: truncated(real, 0.6), 3: truncated(real, 0.3) }));
    const { client, logs } = makeClient();
    const ids = ['1601.00001', '1601.00002', '1601.00003', '1601.00004', '1601.00005'];
    const items = await collect(fetchByIds(ids, { client, baseUrl: apiUrl, pageSize: 2 }));

    assert.deepEqual(
      items.map((i) => i.kind),
      ['record', 'record', 'error', 'record'],
    );
    const [err] = errors(items);
    assert.ok(err);
    assert.equal(err.where, `GET ${apiUrl}?id_list=1601.00003%2C1601.00004&start=0&max_results=2`);
    assert.equal(err.field, 'feed');
    assert.equal(server.requests.length, 4);
    assert.equal(server.requests[3]?.query.get('id_list'), '1601.00005');
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg.includes('fetching the page again')));
  });

  it('a page that parses on the re-fetch is used as if nothing happened', async () => {
    server.setHandler(withFaults(arxivApiHandler({ total: 0 }), { 1: htmlErrorPage() }));
    const { client } = makeClient();
    const items = await collect(fetchByIds(['1601.00001'], { client, baseUrl: apiUrl }));
    assert.deepEqual(
      items.map((i) => i.kind),
      ['record'],
    );
    assert.equal(server.requests.length, 2);
  });

  it('a batch arXiv rejects (400 with its error feed) is an error item at once, without re-fetching', async () => {
    server.setHandler(
      withFaults(arxivApiHandler({ total: 0 }), { 1: reply(atomErrorFeed('incorrect id format for 1601.0000x'), { status: 400, contentType: 'application/atom+xml' }) }),
    );
    const { client } = makeClient();
    const items = await collect(fetchByIds(['1601.0000x', '1601.00001'], { client, baseUrl: apiUrl, pageSize: 1 }));
    assert.deepEqual(
      items.map((i) => i.kind),
      ['error', 'record'],
    );
    assert.match(errors(items)[0]!.reason, /^HTTP 400 Bad Request: arXiv API error: incorrect id format for 1601\.0000x$/);
    assert.equal(server.requests.length, 2);
  });

  it('lists a category page by page, newest first, until totalResults', async () => {
    server.setHandler(arxivApiHandler({ total: 5 }));
    const { client, starts } = makeClient();
    const query = { category: 'cs.CL', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    const items = await collect(fetchByCategory(query, { client, baseUrl: apiUrl, pageSize: 2 }));

    assert.equal(items.length, 5);
    assert.ok(items.every((i) => i.kind === 'record'));
    assert.deepEqual(
      server.requests.map((r) => [r.query.get('start'), r.query.get('max_results')]),
      [
        ['0', '2'],
        ['2', '2'],
        ['4', '2'],
      ],
    );
    for (const r of server.requests) {
      assert.equal(r.query.get('search_query'), 'cat:cs.CL AND submittedDate:[202401010000 TO 202401020000]');
      assert.equal(r.query.get('sortBy'), 'submittedDate');
      assert.equal(r.query.get('sortOrder'), 'descending');
    }
    assertSpaced(server, starts);
  });

  it('a category page that stays broken (HTML page, then truncated XML) becomes an error item; the next page goes on', async () => {
    server.setHandler(withFaults(arxivApiHandler({ total: 5 }), { 2: htmlErrorPage(), 3: truncated(atomFixture()) }));
    const { client } = makeClient();
    const query = { category: 'hep-th', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    const items = await collect(fetchByCategory(query, { client, baseUrl: apiUrl, pageSize: 2 }));

    assert.deepEqual(
      items.map((i) => i.kind),
      ['record', 'record', 'error', 'record'],
    );
    assert.match(errors(items)[0]!.where, /start=2&max_results=2$/);
    assert.deepEqual(
      server.requests.map((r) => r.query.get('start')),
      ['0', '2', '2', '4'],
    );
  });

  it('when the first category page fails the total is unknown: one error item, and the run ends', async () => {
    server.setHandler(withFaults(arxivApiHandler({ total: 5 }), { 1: htmlErrorPage(), 2: htmlErrorPage() }));
    const { client } = makeClient();
    const query = { category: 'cs.AI', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    const items = await collect(fetchByCategory(query, { client, baseUrl: apiUrl, pageSize: 2 }));
    assert.deepEqual(
      items.map((i) => i.kind),
      ['error'],
    );
    assert.equal(server.requests.length, 2);
  });

  it('an empty page before totalResults is re-fetched, then reported, and the run ends', async () => {
    const empty = reply(
      atomFixture()
        .replace(/<entry>[\s\S]*<\/entry>/, '')
        .replace(/<opensearch:totalResults([^>]*)>1</, '<opensearch:totalResults$1>5<'),
      { contentType: 'application/atom+xml' },
    );
    server.setHandler(withFaults(arxivApiHandler({ total: 5 }), { 2: empty, 3: empty }));
    const { client } = makeClient();
    const query = { category: 'cs.AI', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    const items = await collect(fetchByCategory(query, { client, baseUrl: apiUrl, pageSize: 2 }));
    assert.deepEqual(
      items.map((i) => i.kind),
      ['record', 'record', 'error'],
    );
    assert.match(errors(items)[0]!.reason, /empty page at start=2 although totalResults=5/);
    assert.equal(server.requests.length, 3);
  });

  it('an empty result is no error', async () => {
    server.setHandler(arxivApiHandler({ total: 0 }));
    const { client } = makeClient();
    const query = { category: 'cs.AI', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    assert.deepEqual(await collect(fetchByCategory(query, { client, baseUrl: apiUrl })), []);
    assert.equal(server.requests.length, 1);
  });

  it('waits out a 503 with Retry-After mid-listing and goes on', async () => {
    server.setHandler(withFaults(arxivApiHandler({ total: 4 }), { 2: unavailable(1) }));
    const { client } = makeClient();
    const query = { category: 'cs.AI', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    const items = await collect(fetchByCategory(query, { client, baseUrl: apiUrl, pageSize: 2 }));
    assert.equal(items.length, 4);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests[2]!.t - server.requests[1]!.t >= 1000);
  });

  it('a server that stays down ends the run with the HttpError', async () => {
    server.setHandler(withFaults(arxivApiHandler({ total: 4 }), { 2: unavailable(null), 3: unavailable(null), 4: unavailable(null) }));
    const { client } = makeClient({ maxAttempts: 3 });
    const query = { category: 'cs.AI', from: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-02T00:00:00Z') };
    const seen: SourceItem[] = [];
    await assert.rejects(
      (async () => {
        for await (const item of fetchByCategory(query, { client, baseUrl: apiUrl, pageSize: 2 })) seen.push(item);
      })(),
      (err: unknown) => err instanceof HttpError && err.status === 503 && err.attempts === 3,
    );
    assert.equal(seen.length, 2);
  });
});

/** Stands in for the database: a page's items and checkpoint are committed together, or not at all. */
class MemoryStore {
  readonly records = new Map<string, number>();
  checkpoint: string | null = null;
  commits = 0;

  /** One "transaction". The checkpoint is stored as JSON, as a database column would hold it. */
  commit(page: OaiPageResult): void {
    for (const item of page.items) {
      assert.equal(item.kind, 'record', item.kind === 'error' ? item.error.message : '');
      if (item.kind === 'record') {
        const id = String(item.input.id);
        this.records.set(id, (this.records.get(id) ?? 0) + 1);
      }
    }
    this.checkpoint = JSON.stringify(page.checkpoint);
    this.commits++;
  }

  saved(): OaiCheckpoint | null {
    return this.checkpoint === null ? null : (JSON.parse(this.checkpoint) as OaiCheckpoint);
  }
}

describe('OAI-PMH harvest', () => {
  let server: FixtureServer;
  let oaiUrl: string;
  let list: OaiListRecords;

  before(async () => {
    server = await FixtureServer.start();
    oaiUrl = server.url('/oai2');
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    list = new OaiListRecords(oaiRecords(), 2);
    server.setHandler(list.handler);
  });

  it('follows resumption tokens to the end of the list', async () => {
    const { client, starts } = makeClient();
    const pages = await collect(harvestOai({ client, baseUrl: oaiUrl, from: '2015-01-01', until: '2018-12-31' }));

    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [2, 2, 2],
    );
    assert.deepEqual(pages.flatMap((p) => recordIds(p.items)), ALL_OAI_IDS);
    assert.deepEqual(
      pages.map((p) => p.done),
      [false, false, true],
    );
    const last = pages[2]!.checkpoint;
    assert.deepEqual(last, {
      set: null,
      metadataPrefix: 'arXiv',
      from: '2015-01-01',
      until: '2018-12-31',
      resumptionToken: null,
      pages: 3,
      records: 6,
      completeListSize: 6,
      cursor: 4,
      listStartedAt: '2018-01-26T09:05:29Z',
      restarts: 0,
      done: true,
    });
    assert.equal(pages[0]!.checkpoint.resumptionToken, server.requests[1]!.query.get('resumptionToken'));

    const [first, ...rest] = server.requests;
    assert.deepEqual(Object.fromEntries(first!.query), { verb: 'ListRecords', metadataPrefix: 'arXiv', from: '2015-01-01', until: '2018-12-31' });
    for (const r of rest) assert.deepEqual([...r.query.keys()], ['verb', 'resumptionToken']);
    assertSpaced(server, starts);
  });

  it('fetches the next page only after the consumer is done with this one', async () => {
    const { client } = makeClient();
    let pagesSeen = 0;
    for await (const page of harvestOai({ client, baseUrl: oaiUrl })) {
      pagesSeen++;
      // A slow "transaction": the harvester must not have asked for more meanwhile.
      await new Promise((r) => setTimeout(r, 3 * INTERVAL));
      assert.equal(server.requests.length, pagesSeen);
      assert.equal(page.checkpoint.pages, pagesSeen);
    }
    assert.equal(pagesSeen, 3);
  });

  it('passes the set on and reads a single-page list', async () => {
    const { client } = makeClient();
    const pages = await collect(harvestOai({ client, baseUrl: oaiUrl, set: 'math' }));
    assert.equal(pages.length, 1);
    assert.deepEqual(recordIds(pages[0]!.items), ['1401.2122']);
    assert.equal(pages[0]!.done, true);
    assert.equal(server.requests[0]!.query.get('set'), 'math');
  });

  it('noRecordsMatch is a finished harvest with no records, not an error', async () => {
    const { client } = makeClient();
    const pages = await collect(harvestOai({ client, baseUrl: oaiUrl, set: 'cs', from: new Date('2024-05-01T12:00:00Z') }));
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0]!.items, []);
    assert.equal(pages[0]!.done, true);
    assert.equal(pages[0]!.checkpoint.done, true);
    assert.equal(pages[0]!.checkpoint.completeListSize, 0);
    assert.equal(server.requests[0]!.query.get('from'), '2024-05-01');
  });

  for (const k of [1, 2]) {
    it(`a harvest killed after page ${k} resumes from the stored checkpoint: every record exactly once`, async () => {
      const store = new MemoryStore();
      const { client } = makeClient();
      for await (const page of harvestOai({ client, baseUrl: oaiUrl, set: 'physics', from: '2015-01-01' })) {
        store.commit(page);
        if (store.commits === k) break; // killed
      }
      assert.equal(server.requests.length, k);
      const saved = store.saved();
      assert.ok(saved);
      assert.equal(saved.pages, k);

      // A new process: new client, state from the store only.
      const { client: client2 } = makeClient();
      for await (const page of harvestOai({ client: client2, baseUrl: oaiUrl, resumeFrom: store.saved() })) store.commit(page);

      const physics = oaiRecords()
        .filter((r) => r.setSpecs.some((s) => s.startsWith('physics')))
        .map((r) => r.id);
      assert.deepEqual([...store.records.keys()].sort(), [...physics].sort());
      assert.ok([...store.records.values()].every((n) => n === 1), JSON.stringify([...store.records]));
      const final = store.saved();
      assert.equal(final?.done, true);
      assert.equal(final?.records, physics.length);
      assert.equal(final?.set, 'physics');
      assert.equal(final?.from, '2015-01-01');
      // Resuming a finished harvest asks for nothing.
      const before = server.requests.length;
      assert.deepEqual(await collect(harvestOai({ client: client2, baseUrl: oaiUrl, resumeFrom: final })), []);
      assert.equal(server.requests.length, before);
    });
  }

  it('a crash inside the transaction (nothing committed for that page) re-reads that page on resume, exactly once', async () => {
    const store = new MemoryStore();
    const { client } = makeClient();
    await assert.rejects(async () => {
      for await (const page of harvestOai({ client, baseUrl: oaiUrl })) {
        if (page.checkpoint.pages === 2) throw new Error('crash before commit');
        store.commit(page);
      }
    }, /crash before commit/);
    assert.equal(store.commits, 1);
    assert.equal(server.requests.length, 2);

    for await (const page of harvestOai({ client: makeClient().client, baseUrl: oaiUrl, resumeFrom: store.saved() })) store.commit(page);
    assert.deepEqual([...store.records.keys()], ALL_OAI_IDS);
    assert.ok([...store.records.values()].every((n) => n === 1));
  });

  it('badResumptionToken on resume restarts the list from the original from, and says so', async () => {
    const store = new MemoryStore();
    const { client } = makeClient();
    for await (const page of harvestOai({ client, baseUrl: oaiUrl, from: '2015-01-01' })) {
      store.commit(page);
      break;
    }
    list.expireTokens(); // the token in the stored checkpoint is now stale

    const { client: client2, logs } = makeClient();
    const pages: OaiPageResult[] = [];
    for await (const page of harvestOai({ client: client2, baseUrl: oaiUrl, resumeFrom: store.saved() })) {
      store.commit(page);
      pages.push(page);
    }
    assert.ok(
      logs.some((l) => l.level === 'warn' && /badResumptionToken/.test(l.msg) && /restarting the list from from=2015-01-01/.test(l.msg)),
      JSON.stringify(logs.map((l) => l.msg)),
    );
    const requests = server.requests.slice(1);
    assert.ok(requests[0]!.query.has('resumptionToken'));
    assert.deepEqual(Object.fromEntries(requests[1]!.query), { verb: 'ListRecords', metadataPrefix: 'arXiv', from: '2015-01-01' });
    // The whole list again: the first page's records twice in all (idempotent upserts), none missing.
    assert.deepEqual(pages.flatMap((p) => recordIds(p.items)), ALL_OAI_IDS);
    assert.deepEqual(new Set(store.records.keys()), new Set(ALL_OAI_IDS));
    const final = store.saved();
    assert.equal(final?.restarts, 1);
    assert.equal(final?.pages, 3);
    assert.equal(final?.done, true);
  });

  it('gives up with an OaiError when tokens keep going bad', async () => {
    server.setHandler((req) => {
      if (req.query.has('resumptionToken')) return reply(oaiErrorPage('badResumptionToken', 'expired'));
      return list.handler(req);
    });
    const { client } = makeClient();
    await assert.rejects(collect(harvestOai({ client, baseUrl: oaiUrl, maxRestarts: 2 })), (err: unknown) => err instanceof OaiError && err.code === 'badResumptionToken');
    assert.equal(server.requests.length, 6);
  });

  it('other OAI-PMH errors are thrown as OaiError', async () => {
    server.setHandler(() => reply(oaiErrorPage('badArgument', 'Illegal date format')));
    const { client } = makeClient();
    await assert.rejects(collect(harvestOai({ client, baseUrl: oaiUrl, from: '2024-01-01' })), (err: unknown) => err instanceof OaiError && err.code === 'badArgument' && /Illegal date format/.test(err.message));
  });

  it('waits out a 503 with Retry-After mid-harvest and carries on', async () => {
    server.setHandler(withFaults(list.handler, { 2: unavailable(1) }));
    const { client, logs } = makeClient();
    const pages = await collect(harvestOai({ client, baseUrl: oaiUrl }));
    assert.deepEqual(pages.flatMap((p) => recordIds(p.items)), ALL_OAI_IDS);
    assert.equal(server.requests.length, 4);
    assert.equal(server.requests[2]!.query.get('resumptionToken'), server.requests[1]!.query.get('resumptionToken'));
    assert.ok(server.requests[2]!.t - server.requests[1]!.t >= 1000);
    assert.ok(logs.some((l) => l.msg.startsWith('waiting 1.0 s (Retry-After) before GET')));
  });

  it('a truncated page is fetched again; one that stays broken stops the harvest, which resumes cleanly later', async () => {
    const realPage = oaiListRecordsPage(
      oaiRecords()
        .slice(2, 4)
        .map((r) => r.xml),
      { token: 'whatever', cursor: 2, completeListSize: 6 },
    );
    // Request 2 (page 2) is truncated twice: after one re-fetch the harvest gives up.
    server.setHandler(withFaults(list.handler, { 2: truncated(realPage, 0.7), 3: htmlErrorPage() }));
    const store = new MemoryStore();
    const { client } = makeClient();
    await assert.rejects(async () => {
      for await (const page of harvestOai({ client, baseUrl: oaiUrl })) store.commit(page);
    }, FeedError);
    assert.equal(store.commits, 1);

    server.setHandler(withFaults(list.handler, { 5: truncated(realPage, 0.5) }));
    for await (const page of harvestOai({ client, baseUrl: oaiUrl, resumeFrom: store.saved() })) store.commit(page);
    assert.deepEqual([...store.records.keys()], ALL_OAI_IDS);
    assert.ok([...store.records.values()].every((n) => n === 1));
  });

  it('refuses a resume that disagrees with the asked set or dates', async () => {
    const { client } = makeClient();
    const cp: OaiCheckpoint = { ...(await collect(harvestOai({ client, baseUrl: oaiUrl, set: 'math' })))[0]!.checkpoint, done: false };
    await assert.rejects(collect(harvestOai({ client, baseUrl: oaiUrl, set: 'cs', resumeFrom: cp })), RangeError);
    await assert.rejects(collect(harvestOai({ client, baseUrl: oaiUrl, from: '2020-13-01' })), RangeError);
  });
});
