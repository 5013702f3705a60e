import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refreshCodeStats } from '../../src/enrich/code.js';
import { refreshHubLinks } from '../../src/enrich/hub.js';
import { pausedUntil } from '../../src/enrich/pauses.js';
import { summarizePapers } from '../../src/enrich/summaries.js';
import { createLogger } from '../../src/log.js';
import { ChatCompletions } from '../../src/sources/chat-completions.js';
import { GitHubClient } from '../../src/sources/github.js';
import { HubClient } from '../../src/sources/hf-hub.js';
import { extrasOf, hubLinksOf } from '../../src/store/enrichment.js';
import { getPaper, upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, type RecordedRequest, type ScriptedResponse } from '../support/fixture-server.js';
import { makePaper } from '../support/papers.js';
import { asReply, cassette, octokitFixture, pygithubReplay } from '../support/recordings.js';

const log = createLogger('silent');
const DAY = '2026-11-27';
const NOW = new Date(`${DAY}T12:00:00Z`);
const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);
const code = (url: string) => [{ kind: 'code' as const, url }];

describe('enrichment jobs', () => {
  let t: TempDb;
  let server: FixtureServer;
  let handler: (req: RecordedRequest) => ScriptedResponse | undefined = () => undefined;
  before(async () => {
    t = await tempDb();
    server = await FixtureServer.start((req) => handler(req));
    await upsertPapers(t.db, [
      makePaper({ id: '2611.00001', day: DAY, links: code('https://github.com/octokit-fixture-org/hello-world') }),
      makePaper({ id: '2611.00002', day: DAY, links: code('https://github.com/jacquev6/Xxx/tree/main/src') }),
      makePaper({ id: '2611.00003', day: DAY, links: code('https://gitlab.com/group/project') }),
      makePaper({ id: '2611.00004', day: DAY, title: 'No code here' }),
      makePaper({ id: '2001.00001', day: '2020-01-02', links: code('https://github.com/old/repo') }),
    ]);
  });
  after(async () => {
    await server.close();
    await t.cleanup();
  });

  describe('code stars', () => {
    const github = () => new GitHubClient({ apiUrl: server.origin, token: null, timeoutMs: 2000 });
    const repoRow = (repo: string) => t.db.selectFrom('code_repos').selectAll().where('repo', '=', repo).executeTakeFirstOrThrow();

    it('reads the code of recent papers, asks GitHub once a day for each repository, and keeps a star count a day', async () => {
      const ok = octokitFixture('get-repo-200.octokit-raw-fixture.json');
      const [, missing] = pygithubReplay('get-repo-404-missing.pygithub-replay.txt');
      handler = (req) => (req.path === '/repos/octokit-fixture-org/hello-world' ? asReply(ok) : req.path === '/repos/jacquev6/Xxx' ? asReply(missing!) : undefined);
      server.reset();
      const report = await refreshCodeStats(t.db, github(), log, NOW);
      assert.deepEqual(report, { indexed: 4, asked: 2, updated: 1, paused: false });
      assert.deepEqual(server.requests.map((r) => r.path).sort(), ['/repos/jacquev6/Xxx', '/repos/octokit-fixture-org/hello-world']);
      const hello = await repoRow('octokit-fixture-org/hello-world');
      assert.deepEqual([hello.status, hello.stars, hello.pushed_at, hello.etag], ['ok', 0, '2017-11-03T20:11:46Z', ok.headers.etag]);
      assert.equal((await repoRow('jacquev6/Xxx')).status, 'missing');
      assert.deepEqual(await t.db.selectFrom('code_repo_stars').selectAll().execute(), [{ repo: 'octokit-fixture-org/hello-world', day: DAY, stars: 0 }]);
      // An old paper's repository is not asked about.
      assert.equal(await t.db.selectFrom('code_repos').select('repo').where('repo', '=', 'old/repo').executeTakeFirst(), undefined);
      // Cards read it in one query for the page.
      const extras = await extrasOf(t.db, [(await getPaper(t.db, '2611.00001'))!, (await getPaper(t.db, '2611.00003'))!]);
      assert.deepEqual(extras.get('2611.00001')!.code, { url: 'https://github.com/octokit-fixture-org/hello-world', repo: 'octokit-fixture-org/hello-world', stars: 0, pushedAt: '2017-11-03T20:11:46Z' });
      assert.deepEqual(extras.get('2611.00003')!.code, { url: 'https://gitlab.com/group/project', repo: null, stars: null, pushedAt: null });

      server.reset();
      assert.equal((await refreshCodeStats(t.db, github(), log, later(1))).asked, 0, 'nothing is due within the day');
      // A day later the request is conditional; a 304 keeps the stars and adds the day's count.
      handler = () => ({ kind: 'reply', status: 304, headers: { etag: ok.headers.etag! }, body: '' });
      assert.equal((await refreshCodeStats(t.db, github(), log, later(25))).asked, 1);
      assert.equal(server.requests[0]!.headers['if-none-match'], ok.headers.etag);
      assert.deepEqual((await t.db.selectFrom('code_repo_stars').select('day').orderBy('day').execute()).map((r) => r.day), [DAY, '2026-11-28']);
    });

    it('stops at a rate limit and leaves GitHub alone until it ends, in the database', async () => {
      await t.db.updateTable('code_repos').set({ next_check_at: NOW.toISOString() }).execute();
      const [, refused] = pygithubReplay('rate-limit-403-primary.pygithub-replay.txt');
      handler = () => asReply(refused!);
      server.reset();
      const report = await refreshCodeStats(t.db, github(), log, later(48));
      assert.equal(report.paused, true);
      assert.equal(server.requests.length, 1, 'no request after the refusal');
      assert.equal(await pausedUntil(t.db, 'github'), later(48).getTime() + 60_000);
      server.reset();
      assert.equal((await refreshCodeStats(t.db, github(), log, later(48))).paused, true);
      assert.equal(server.requests.length, 0, 'a new client (a restart) honours the pause too');
    });

    it('asks a repository again an hour after a failure, keeping what it knew', async () => {
      await t.db.updateTable('code_repos').set({ next_check_at: NOW.toISOString() }).execute();
      const [failed] = pygithubReplay('get-repo-500-then-200.pygithub-replay.txt');
      handler = () => asReply(failed!);
      server.reset();
      const at = later(72);
      await refreshCodeStats(t.db, github(), log, at);
      assert.equal(server.requests.length, 2);
      for (const row of await t.db.selectFrom('code_repos').selectAll().execute()) assert.equal(row.next_check_at, new Date(at.getTime() + 3600_000).toISOString());
      assert.equal((await repoRow('octokit-fixture-org/hello-world')).stars, 0, 'the stars stay as they were');
    });

    it('still reads code links with GitHub turned off', async () => {
      await upsertPapers(t.db, [makePaper({ id: '2611.00005', day: DAY, links: code('https://github.com/new/one') })]);
      const report = await refreshCodeStats(t.db, null, log, NOW);
      assert.deepEqual(report, { indexed: 1, asked: 0, updated: 0, paused: false });
    });
  });

  describe('summaries', () => {
    const llm = () => new ChatCompletions({ url: `${server.origin}/v1`, model: 'qwen3:0.6b', key: null, timeoutMs: 2000 });
    const [recorded] = cassette('chat-completions-200.ollama-local-qwen3.pydantic-ai-cassette.yaml');
    /** The recorded Ollama envelope, its content replaced by a summary of the paper asked about. */
    const summaryReply = (req: RecordedRequest, content?: string): ScriptedResponse => {
      void req;
      const body = JSON.parse(recorded!.body) as { choices: Array<{ message: { content: string } }> };
      body.choices[0]!.message.content = content ?? JSON.stringify({ summary: 'A model-written summary of the paper.', keywords: ['testing', 'papers'] });
      return asReply({ ...recorded!, body: JSON.stringify(body) });
    };

    it('writes summaries of recent papers within the rate, and counts every request against the daily budget', async () => {
      handler = (req) => summaryReply(req);
      server.reset();
      const limits = { perMinute: 2, dailyBudget: 3 };
      assert.deepEqual(await summarizePapers(t.db, llm(), limits, log, NOW), { written: 2, unusable: 0, stopped: null });
      assert.deepEqual(await summarizePapers(t.db, llm(), limits, log, later(0.1)), { written: 1, unusable: 0, stopped: 'budget' });
      assert.equal(server.requests.length, 3);
      assert.deepEqual(await t.db.selectFrom('llm_usage').selectAll().execute(), [{ day: DAY, requests: 3 }]);
      const done = await t.db.selectFrom('paper_summaries').select('paper_id').where('status', '=', 'done').execute();
      assert.equal(done.length, 3);
      const extras = await extrasOf(t.db, [(await getPaper(t.db, done[0]!.paper_id))!, (await getPaper(t.db, '2001.00001'))!]);
      assert.deepEqual(extras.get(done[0]!.paper_id)!.summary, { text: 'A model-written summary of the paper.', keywords: ['testing', 'papers'], source: 'llm', model: 'qwen3:0.6b' });
      assert.deepEqual(extras.get('2001.00001')!.summary, { text: 'We test things.', keywords: [], source: 'extractive', model: null });
    });

    it('tries an unusable reply again later, and pauses on a 429', async () => {
      handler = (req) => summaryReply(req, 'I cannot summarize this.');
      const tomorrow = later(24);
      assert.deepEqual(await summarizePapers(t.db, llm(), { perMinute: 1, dailyBudget: 10 }, log, tomorrow), { written: 0, unusable: 1, stopped: null });
      const failed = await t.db.selectFrom('paper_summaries').selectAll().where('status', '=', 'failed').executeTakeFirstOrThrow();
      assert.equal(failed.attempts, 1);
      assert.equal(failed.next_attempt_at, new Date(tomorrow.getTime() + 3600_000).toISOString());
      const [limited] = cassette('chat-completions-429.openrouter.pydantic-ai-cassette.yaml');
      handler = () => asReply(limited!);
      assert.equal((await summarizePapers(t.db, llm(), { perMinute: 5, dailyBudget: 10 }, log, tomorrow)).stopped, 'paused');
      assert.equal(await pausedUntil(t.db, 'llm'), tomorrow.getTime() + 60_000);
      server.reset();
      assert.equal((await summarizePapers(t.db, llm(), { perMinute: 5, dailyBudget: 10 }, log, tomorrow)).stopped, 'paused');
      assert.equal(server.requests.length, 0);
    });
  });

  describe('Hub links', () => {
    it('stores what the Hub lists as citing each recent paper, and looks again after a few days', async () => {
      handler = (req) => {
        const id = req.query.get('filter');
        const body = req.path === '/api/models' && id === 'arxiv:2611.00001' ? [{ id: 'org/model', likes: 7, downloads: 100 }] : [];
        return { kind: 'reply', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      };
      server.reset();
      const hub = new HubClient({ url: server.origin, timeoutMs: 2000 });
      const first = await refreshHubLinks(t.db, hub, log, NOW);
      assert.deepEqual(first, { looked: 5, paused: false }, 'the five recent papers, not the one of 2020');
      assert.deepEqual(await hubLinksOf(t.db, '2611.00001'), [{ kind: 'model', id: 'org/model', likes: 7, downloads: 100 }]);
      assert.deepEqual((await refreshHubLinks(t.db, hub, log, later(1))).looked, 0);
      assert.deepEqual((await refreshHubLinks(t.db, hub, log, later(24 * 4))).looked, 5);
    });
  });
});
