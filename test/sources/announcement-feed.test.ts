import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizePaper } from '../../src/papers/normalize.js';
import { announcementUrl, fetchAnnouncement, parseAnnouncementFeed } from '../../src/sources/announcement-feed.js';
import { FeedError } from '../../src/sources/feed-error.js';
import { HttpClient, HttpError } from '../../src/sources/http.js';
import { FixtureServer, htmlErrorPage, reply, truncated, unavailable } from '../support/fixture-server.js';
import { emptyChannel, recordedFeed } from '../support/announcement-week.js';

const RSS_TYPE = 'application/rss+xml';

describe('the rss.arxiv.org announcement feed', () => {
  it('reads every item of a recorded day with its announce type, dated by the channel', () => {
    const feed = parseAnnouncementFeed(recordedFeed(), 'quant-ph.xml');
    assert.equal(feed.day, '2025-04-28');
    assert.deepEqual(feed.errors, []);
    const count = (type: string) => feed.items.filter((i) => i.type === type).length;
    assert.deepEqual([feed.items.length, count('new'), count('cross'), count('replace'), count('replace-cross')], [81, 40, 10, 22, 9]);

    const first = feed.items[0]!;
    assert.equal(first.id, '2504.17830');
    assert.equal(first.version, 1);
    assert.equal(first.input.title, 'Self-Adjoint Time Operator in a Weighted Energy Space');
    assert.match(first.input.abstract!, /^We introduce a self-adjoint time operator/);
    assert.equal(first.input.license, 'http://creativecommons.org/licenses/by/4.0/');

    // A cross-list names its own primary category first; a replacement its new version.
    const cross = feed.items.find((i) => i.id === '2504.18342')!;
    assert.equal(cross.type, 'cross');
    assert.deepEqual(cross.input.categories, ['nucl-ex', 'nucl-th', 'quant-ph']);
    assert.equal(cross.input.primaryCategory, 'nucl-ex');
    assert.ok(cross.input.doi && cross.input.journalRef, 'DOI and journal reference come along');
    const replaced = feed.items.find((i) => i.id === '2112.14988')!;
    assert.deepEqual([replaced.type, replaced.version], ['replace', 4]);
  });

  it('gives items that normalize into papers once a listing day is added', () => {
    const feed = parseAnnouncementFeed(recordedFeed(), 'quant-ph.xml');
    const { paper } = normalizePaper({ ...feed.items[1]!.input, listedOn: feed.day });
    assert.equal(paper.id, '2504.17837');
    assert.deepEqual(paper.authors, ['Youssef Kora', 'Christoph Simon']);
    assert.equal(paper.day, '2025-04-28');
    assert.equal(paper.primaryCategory, 'quant-ph');
  });

  it('reads the channel of a day without announcement as a day with no items', () => {
    const feed = parseAnnouncementFeed(emptyChannel(recordedFeed()), 'empty.xml');
    assert.deepEqual(feed, { day: '2025-04-28', items: [], errors: [] });
    // Memorial Day 2025, a Monday without announcement; in January New York is five hours behind.
    assert.equal(parseAnnouncementFeed(emptyChannel(recordedFeed(), '2025-05-26'), 'holiday.xml').day, '2025-05-26');
    assert.match(emptyChannel(recordedFeed(), '2024-01-01'), /<pubDate>Mon, 01 Jan 2024 00:00:00 -0500<\/pubDate>/);
  });

  it('names an item it cannot read, and reads the rest', () => {
    const broken = recordedFeed().replace('<arxiv:announce_type>new</arxiv:announce_type>', '<arxiv:announce_type>absonly</arxiv:announce_type>');
    const feed = parseAnnouncementFeed(broken, 'quant-ph.xml');
    assert.equal(feed.items.length, 80);
    assert.equal(feed.errors[0]?.message, 'quant-ph.xml#item 1: announce_type: unknown "absonly", expected one of new, cross, replace, replace-cross');
  });

  it('refuses what is not a feed', () => {
    assert.throws(() => parseAnnouncementFeed(recordedFeed().slice(0, 5000), 'cut.xml'), FeedError);
    assert.throws(() => parseAnnouncementFeed('<!DOCTYPE html><html><body>Maintenance</body></html>', 'page.html'), FeedError);
  });

  describe('fetched', () => {
    let server: FixtureServer;
    const client = new HttpClient({ minIntervalMs: 0, backoffBaseMs: 1, maxAttempts: 3, maxRetryAfterMs: 50 });
    before(async () => {
      server = await FixtureServer.start();
    });
    after(() => server.close());

    it('asks for all the categories in one request', async () => {
      server.reset();
      server.enqueue(reply(recordedFeed(), { contentType: RSS_TYPE }));
      const feed = await fetchAnnouncement(['cs.CL', 'cs.LG', 'stat.ML'], { client, baseUrl: server.url('/rss/') });
      assert.equal(feed.items.length, 81);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]!.path, '/rss/cs.CL+cs.LG+stat.ML');
      assert.equal(announcementUrl(['cs']), 'https://rss.arxiv.org/rss/cs');
    });

    it('waits out a 503 with Retry-After, and fetches a truncated or HTML answer again', async () => {
      server.reset();
      server.enqueue(unavailable(0), truncated(recordedFeed(), 0.3, RSS_TYPE), reply(recordedFeed(), { contentType: RSS_TYPE }));
      const feed = await fetchAnnouncement(['quant-ph'], { client, baseUrl: server.url('/rss/') });
      assert.equal(feed.items.length, 81);
      assert.equal(server.requests.length, 3);

      server.reset();
      server.enqueue(htmlErrorPage(), htmlErrorPage());
      await assert.rejects(fetchAnnouncement(['quant-ph'], { client, baseUrl: server.url('/rss/') }), FeedError);
    });

    it('gives up with the HttpError when arXiv stays unavailable', async () => {
      server.reset();
      server.enqueue(unavailable(0), unavailable(0), unavailable(0));
      await assert.rejects(fetchAnnouncement(['quant-ph'], { client, baseUrl: server.url('/rss/') }), (error: unknown) => error instanceof HttpError && error.status === 503);
    });
  });
});
