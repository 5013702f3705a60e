import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ARXIV_TIME_ZONE, isListingWeekday } from '../../src/papers/announcements.js';
import { shiftDay, wallClock } from '../../src/papers/dates.js';
import { recordDay } from '../../src/store/announcement-days.js';
import { emptyChannel, recordedFeed } from '../support/announcement-week.js';
import { runCli, startCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, OaiListRecords, reply, type RecordedRequest } from '../support/fixture-server.js';

describe('reading announcements from the command line and in serve', () => {
  let t: TempDb;
  let arxiv: FixtureServer;
  let child: ChildProcess | null = null;
  const oai = new OaiListRecords(undefined, 2, '/oai2', 'arXivRaw');

  before(async () => {
    t = await tempDb();
    // What arXiv serves today: an empty channel dated today in New York (no paper of the recorded day is today's).
    arxiv = await FixtureServer.start((request) => {
      if (request.path.startsWith('/rss/')) return reply(emptyChannel(recordedFeed(), wallClock(new Date(), ARXIV_TIME_ZONE).day), { contentType: 'application/rss+xml' });
      return oai.handler(request);
    });
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await arxiv.close();
    await t.cleanup();
  });

  const env = (extra: Record<string, string> = {}) => ({
    ...t.env,
    PAPERBOY_DEMO: 'false',
    PAPERBOY_ARXIV_CATEGORIES: 'cs.CL cs.LG',
    PAPERBOY_ARXIV_RSS_URL: arxiv.url('/rss/'),
    PAPERBOY_OAI_URL: arxiv.url('/oai2'),
    PAPERBOY_ARXIV_API_URL: arxiv.url('/api/query'),
    PAPERBOY_ARXIV_INTERVAL_MS: '0',
    PAPERBOY_CONTACT_EMAIL: 'admin@papers.example.org',
    ...extra,
  });

  it('refuses categories arXiv does not have, naming the setting', async () => {
    for (const command of [['announcements'], ['serve', '--port', '0']]) {
      const result = await runCli(command, env({ PAPERBOY_ARXIV_CATEGORIES: 'cs.CL cs.XX' }));
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /PAPERBOY_ARXIV_CATEGORIES="cs\.CL cs\.XX": not arXiv categories or archives: cs\.XX/);
    }
    const off = await runCli(['announcements'], env({ PAPERBOY_ARXIV_CATEGORIES: 'none' }));
    assert.equal(off.code, 2);
    assert.match(off.stderr, /PAPERBOY_ARXIV_CATEGORIES is none/);
  });

  it('serve catches up by itself, with no cron, on the days it missed, saying who it is', async () => {
    // The last announcement read was ten days ago; nothing since.
    const today = wallClock(new Date(), ARXIV_TIME_ZONE).day;
    const lastRead = shiftDay(today, -10);
    await recordDay(t.db, { day: lastRead, status: 'listed', source: 'feed', listed: 1, replaced: 0, read_at: new Date().toISOString() });

    arxiv.reset();
    child = startCli(['serve', '--port', '0'], env());
    const missed = Array.from({ length: 9 }, (_, i) => shiftDay(lastRead, i + 1)).filter(isListingWeekday);
    const recorded = async () => t.db.selectFrom('announcement_days').select(['day', 'status', 'source']).where('day', '>', lastRead).where('day', '<', today).orderBy('day').execute();
    for (let waited = 0; (await recorded()).length < missed.length; waited += 50) {
      assert.ok(waited < 30_000, `serve recorded ${(await recorded()).length} of ${missed.length} missed days`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The recorded OAI-PMH records are from 2016 and 2018: nothing was announced in the selection since.
    assert.deepEqual(await recorded(), missed.map((day) => ({ day, status: 'none', source: 'oai' })));
    const list: RecordedRequest = arxiv.requests.find((r) => r.path === '/oai2')!;
    assert.deepEqual(Object.fromEntries(list.query), { verb: 'ListRecords', metadataPrefix: 'arXivRaw', set: 'cs', from: missed[0] });
    for (const request of arxiv.requests) assert.match(String(request.headers['user-agent']), /^paperboy\/0\.1 \(self-hosted daily-papers hub; mailto:admin@papers\.example\.org\)$/);
  });
});
