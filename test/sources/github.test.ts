import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GitHubClient, SECONDARY_LIMIT_PAUSE_MS } from '../../src/sources/github.js';
import { ServiceError } from '../../src/sources/service.js';
import { FixtureServer } from '../support/fixture-server.js';
import { asReply, octokitFixture, pygithubReplay } from '../support/recordings.js';

describe('GitHub client (recorded answers of the REST API)', () => {
  let server: FixtureServer;
  before(async () => {
    server = await FixtureServer.start();
  });
  after(() => server.close());

  const client = (token: string | null = null, timeoutMs = 5000) => new GitHubClient({ apiUrl: server.origin, token, timeoutMs });
  const NOW = Date.parse('2022-07-19T04:40:00Z');

  it('reads stars, last push and creation from a 200, and keeps its ETag; sends the token and the API version', async () => {
    server.reset();
    const recorded = octokitFixture('get-repo-200.octokit-raw-fixture.json');
    server.enqueue(asReply(recorded));
    const answer = await client('ghp_secret').repo('octokit-fixture-org/hello-world', null, NOW);
    assert.deepEqual(answer, {
      kind: 'found',
      stars: 0,
      pushedAt: '2017-11-03T20:11:46Z',
      createdAt: '2017-09-15T21:43:08Z',
      etag: '"b6bf76818c02a332828422c6fa78009ad1f08f302c18524af715ed641f004227"',
    });
    const request = server.requests[0]!;
    assert.equal(request.path, '/repos/octokit-fixture-org/hello-world');
    assert.equal(request.headers.authorization, 'Bearer ghp_secret');
    assert.equal(request.headers['x-github-api-version'], '2022-11-28');
    assert.equal(request.headers['if-none-match'], undefined);
  });

  it('asks conditionally with the stored ETag and takes a 304 as "not modified"', async () => {
    server.reset();
    server.enqueue({ kind: 'reply', status: 304, headers: { etag: '"abc"', 'x-ratelimit-remaining': '4961' }, body: '' });
    assert.deepEqual(await client().repo('octokit-fixture-org/hello-world', '"abc"', NOW), { kind: 'not-modified' });
    assert.equal(server.requests[0]!.headers['if-none-match'], '"abc"');
    assert.equal(server.requests[0]!.headers.authorization, undefined, 'no token, no Authorization header');
  });

  it('takes a 404 as a repository that is missing', async () => {
    server.reset();
    const [, missing] = pygithubReplay('get-repo-404-missing.pygithub-replay.txt');
    assert.equal(missing!.status, 404);
    server.enqueue(asReply(missing!));
    assert.deepEqual(await client().repo('jacquev6/Xxx', null, NOW), { kind: 'missing' });
  });

  it('fails a 500 as a service error without a pause, and reads the next answer', async () => {
    server.reset();
    const [failed, ok] = pygithubReplay('get-repo-500-then-200.pygithub-replay.txt');
    server.enqueue(asReply(failed!), asReply(ok!));
    const gh = client();
    await assert.rejects(gh.repo('PyGithub/PyGithub', null, NOW), (e: unknown) => e instanceof ServiceError && e.status === 500 && e.pauseUntil === null);
    const answer = await gh.repo('PyGithub/PyGithub', null, NOW);
    assert.equal(answer.kind, 'found');
    assert.equal(answer.kind === 'found' && answer.stars > 0, true);
    assert.equal(answer.kind === 'found' && answer.etag, 'W/"6edb0f751d877e7d63f6accba11f7cbd"');
  });

  it('stops at the primary rate limit: remaining 0 pauses until the reset, a 403 that says so is a pause', async () => {
    server.reset();
    const [lastAllowed, refused] = pygithubReplay('rate-limit-403-primary.pygithub-replay.txt');
    const reset = Math.floor(NOW / 1000) + 1800;
    // The 2013 recording has no reset header; GitHub sends one today, as the octokit recording shows.
    server.enqueue(asReply({ ...lastAllowed!, body: octokitFixture('get-repo-200.octokit-raw-fixture.json').body }, { 'x-ratelimit-reset': String(reset) }));
    const gh = client();
    assert.equal((await gh.repo('octokit-fixture-org/hello-world', null, NOW)).kind, 'found');
    assert.equal(gh.pausedUntil, reset * 1000, 'the last request of the hour: wait for the reset');
    server.enqueue(asReply(refused!));
    const fresh = client();
    await assert.rejects(fresh.repo('jacquev6/x', null, NOW), (e: unknown) => {
      assert.ok(e instanceof ServiceError);
      assert.equal(e.status, 403);
      assert.match(e.message, /rate limited \(HTTP 403: API Rate Limit Exceeded/);
      // No reset header in the recording: wait the minute GitHub asks for.
      assert.equal(e.pauseUntil, NOW + SECONDARY_LIMIT_PAUSE_MS);
      return true;
    });
  });

  it('waits what Retry-After says at a secondary limit, and a 429 is a pause too', async () => {
    server.reset();
    const [secondary] = pygithubReplay('rate-limit-403-secondary-retry-after.pygithub-replay.txt');
    assert.equal(secondary!.headers['retry-after'], '60');
    server.enqueue(asReply(secondary!));
    await assert.rejects(client().repo('a/b', null, NOW), (e: unknown) => e instanceof ServiceError && e.pauseUntil === NOW + 60_000);
    server.enqueue({ kind: 'reply', status: 429, headers: { 'retry-after': '120' }, body: '{"message":"Too many requests"}' });
    await assert.rejects(client().repo('a/b', null, NOW), (e: unknown) => e instanceof ServiceError && e.pauseUntil === NOW + 120_000);
  });

  it('gives up on a request that takes too long, as a service error', async () => {
    server.reset();
    server.enqueue({ kind: 'hang' });
    await assert.rejects(client(null, 200).repo('a/b', null, NOW), (e: unknown) => e instanceof ServiceError && /timed out after 200 ms/.test(e.message) && e.pauseUntil === null);
  });

  it('refuses an answer that is not a repository', async () => {
    server.reset();
    server.enqueue({ kind: 'reply', status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' });
    await assert.rejects(client().repo('a/b', null, NOW), (e: unknown) => e instanceof ServiceError && /not JSON/.test(e.message));
    server.enqueue({ kind: 'reply', status: 200, headers: {}, body: '{"full_name":"a/b"}' });
    await assert.rejects(client().repo('a/b', null, NOW), (e: unknown) => e instanceof ServiceError && /unexpected answer/.test(e.message));
  });
});
