import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HttpClient, HttpError, formatDuration, parseRetryAfter, type HttpClientOptions, type HttpEvent } from '../../src/sources/http.js';
import {
  FixtureServer,
  atomFixture,
  connectionReset,
  hang,
  reply,
  resetMidBody,
  tooManyRequests,
  unavailable,
} from '../support/fixture-server.js';

const INTERVAL = 50;

interface Capture {
  events: HttpEvent[];
  logs: { level: 'info' | 'warn' | 'debug'; msg: string; obj: object }[];
  client: HttpClient;
}

function makeClient(opts: HttpClientOptions = {}): Capture {
  const events: HttpEvent[] = [];
  const logs: Capture['logs'] = [];
  const client = new HttpClient({
    minIntervalMs: INTERVAL,
    timeoutMs: 2000,
    maxAttempts: 4,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    onEvent: (e) => events.push(e),
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', msg, obj }),
      warn: (obj, msg) => logs.push({ level: 'warn', msg, obj }),
      debug: (obj, msg) => logs.push({ level: 'debug', msg, obj }),
    },
    ...opts,
  });
  return { events, logs, client };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

describe('HttpClient', () => {
  let server: FixtureServer;
  const ok = () => reply(atomFixture());

  before(async () => {
    server = await FixtureServer.start(() => ok());
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('returns the body text and status', async () => {
    const { client } = makeClient();
    const res = await client.get(server.url('/api/query?id_list=1601.00001'));
    assert.equal(res.status, 200);
    assert.equal(res.body, atomFixture());
    assert.equal(res.attempts, 1);
    assert.match(res.contentType ?? '', /xml/);
    assert.match(String(server.requests[0]?.headers['user-agent']), /paperboy/);
  });

  it('keeps at least minIntervalMs between the starts of consecutive requests', async () => {
    const { client, events } = makeClient();
    for (let i = 0; i < 4; i++) await client.get(server.url(`/seq/${i}`));
    // Concurrent calls on one client are spaced too.
    await Promise.all([0, 1, 2].map((i) => client.get(server.url(`/par/${i}`))));

    assert.equal(server.requests.length, 7);
    const starts = events.filter((e) => e.type === 'request').map((e) => e.t);
    assert.equal(starts.length, 7);
    for (const gap of gaps(starts)) assert.ok(gap >= INTERVAL, `client-side gap ${gap} < ${INTERVAL}`);
    // On the server's side of the wire: each request arrives at least the interval after the
    // previous one was started. (Arrival-to-arrival gaps also carry the loopback latency, which
    // varies by a few ms from one request to the next, so they are not what the client controls.)
    server.requests.slice(1).forEach((r, i) => {
      const previousStart = starts[i] as number;
      assert.ok(r.t - previousStart >= INTERVAL, `${r.path} arrived ${r.t - previousStart} ms after the previous start`);
    });
    assert.ok(events.some((e) => e.type === 'wait' && e.reason === 'interval'));
  });

  it('waits out a 429 with Retry-After (seconds) and retries', async () => {
    const { client, events, logs } = makeClient();
    server.enqueue(tooManyRequests(1));
    const url = server.url('/api/query?x=429');
    const res = await client.get(url);

    assert.equal(res.status, 200);
    assert.equal(res.attempts, 2);
    assert.equal(server.requests.length, 2);
    const [first, second] = server.requests;
    assert.ok(second!.t - first!.t >= 1000, `retried after ${second!.t - first!.t} ms`);
    const wait = events.find((e) => e.type === 'wait' && e.reason === 'retry-after');
    assert.ok(wait && wait.type === 'wait');
    assert.equal(wait.ms, 1000);
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg === `waiting 1.0 s (Retry-After) before GET ${url} (attempt 2 of 4)`), JSON.stringify(logs));
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg.includes('HTTP 429')));
  });

  it('waits out a 503 with Retry-After given as an HTTP date', async () => {
    const { client, events } = makeClient();
    // HTTP dates have whole seconds: 2 s ahead is 1–2 s of wait.
    server.enqueue(unavailable(new Date(Date.now() + 2000).toUTCString()));
    const res = await client.get(server.url('/oai2?verb=ListRecords'));
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 2);
    const wait = events.find((e) => e.type === 'wait' && e.reason === 'retry-after');
    assert.ok(wait && wait.type === 'wait' && wait.ms > 0 && wait.ms <= 2000, JSON.stringify(wait));
    assert.ok(server.requests[1]!.t - server.requests[0]!.t >= wait.ms);
  });

  it('caps Retry-After at maxRetryAfterMs', async () => {
    const { client, events } = makeClient({ maxRetryAfterMs: 100 });
    server.enqueue(unavailable(3600));
    const res = await client.get(server.url('/capped'));
    assert.equal(res.status, 200);
    const wait = events.find((e) => e.type === 'wait' && e.reason === 'retry-after');
    assert.ok(wait && wait.type === 'wait');
    assert.equal(wait.ms, 100);
  });

  it('holds back the client’s other requests during a Retry-After', async () => {
    const { client } = makeClient();
    server.enqueue(tooManyRequests(1));
    const a = client.get(server.url('/a'));
    await new Promise((r) => setTimeout(r, 2 * INTERVAL));
    const b = client.get(server.url('/b'));
    await Promise.all([a, b]);
    const first = server.requests[0]!;
    for (const r of server.requests.slice(1)) assert.ok(r.t - first.t >= 1000, `${r.path} came ${r.t - first.t} ms after the 429`);
  });

  it('retries 5xx without Retry-After with growing, jittered backoff', async () => {
    const { client, events } = makeClient({ backoffBaseMs: 40, backoffMaxMs: 1000 });
    server.enqueue(reply('oops', { status: 500 }), reply('bad gateway', { status: 502 }));
    const res = await client.get(server.url('/flaky'));
    assert.equal(res.attempts, 3);
    const waits = events.filter((e): e is Extract<HttpEvent, { type: 'wait' }> => e.type === 'wait' && e.reason === 'backoff');
    assert.equal(waits.length, 2);
    assert.ok(waits[0]!.ms >= 20 && waits[0]!.ms <= 40, `first backoff ${waits[0]!.ms}`);
    assert.ok(waits[1]!.ms >= 40 && waits[1]!.ms <= 80, `second backoff ${waits[1]!.ms}`);
    assert.equal(waits[0]!.cause, 'HTTP 500 Internal Server Error');
  });

  it('retries a request that times out', async () => {
    const { client, events } = makeClient({ timeoutMs: 200 });
    server.enqueue(hang());
    const started = performance.now();
    const res = await client.get(server.url('/slow'));
    assert.equal(res.status, 200);
    assert.equal(res.attempts, 2);
    assert.equal(server.requests.length, 2);
    assert.ok(performance.now() - started >= 200);
    const failure = events.find((e) => e.type === 'failure');
    assert.ok(failure && failure.type === 'failure');
    assert.equal(failure.failure, 'timeout');
    assert.equal(failure.willRetry, true);
  });

  it('retries network errors: connection reset, and a body cut off mid-way', async () => {
    const { client, events } = makeClient();
    server.enqueue(connectionReset(), resetMidBody(atomFixture(), 0.5));
    const res = await client.get(server.url('/reset'));
    assert.equal(res.body, atomFixture());
    assert.equal(res.attempts, 3);
    const failures = events.filter((e) => e.type === 'failure');
    assert.deepEqual(
      failures.map((e) => e.type === 'failure' && e.failure),
      ['network', 'network'],
    );
  });

  it('fails at once on a non-retryable 4xx', async () => {
    const { client } = makeClient();
    server.enqueue(reply('not here', { status: 404, contentType: 'text/plain' }));
    const url = server.url('/missing');
    await assert.rejects(client.get(url), (err: unknown) => {
      assert.ok(err instanceof HttpError);
      assert.equal(err.url, url);
      assert.equal(err.status, 404);
      assert.equal(err.attempts, 1);
      assert.equal(err.failure, 'status');
      assert.equal(err.isClientError, true);
      assert.equal(err.body, 'not here');
      assert.equal(err.message, `GET ${url}: HTTP 404 Not Found`);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('gives up after maxAttempts with an HttpError naming url, status and attempts', async () => {
    const { client, logs } = makeClient({ maxAttempts: 3 });
    server.enqueue(...Array.from({ length: 3 }, () => reply('down', { status: 503 })));
    const url = server.url('/down');
    await assert.rejects(client.get(url), (err: unknown) => {
      assert.ok(err instanceof HttpError);
      assert.equal(err.status, 503);
      assert.equal(err.attempts, 3);
      assert.equal(err.isClientError, false);
      assert.match(err.message, /HTTP 503 .*after 3 attempts/);
      return true;
    });
    assert.equal(server.requests.length, 3);
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg.endsWith('(attempt 3 of 3, giving up)')));
  });

  it('gives up after maxAttempts time-outs with status null', async () => {
    const { client } = makeClient({ maxAttempts: 2, timeoutMs: 100 });
    server.enqueue(hang(), hang());
    await assert.rejects(client.get(server.url('/hung')), (err: unknown) => err instanceof HttpError && err.status === null && err.failure === 'timeout' && err.attempts === 2);
  });

  it('stops waiting and does not retry when the caller aborts', async () => {
    const { client } = makeClient();
    server.enqueue(tooManyRequests(30));
    const controller = new AbortController();
    const pending = client.get(server.url('/abort'), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 200);
    await assert.rejects(pending, /stop/);
    assert.equal(server.requests.length, 1);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter('', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });

  it('formats durations for log lines', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(4200), '4.2 s');
    assert.equal(formatDuration(30_000), '30 s');
  });
});
