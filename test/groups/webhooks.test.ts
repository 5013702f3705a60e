import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { User } from '../../src/community/users.js';
import { addWebhook, chatPayload, webhooksOf } from '../../src/groups/chat.js';
import { deliverChat, MAX_CHAT_ATTEMPTS } from '../../src/groups/chat-delivery.js';
import { createGroup, type Group } from '../../src/groups/groups.js';
import { addToQueue } from '../../src/groups/queue.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeMember, rejectsWith } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

/**
 * A local stand-in for a chat service's incoming webhook: records each POST's path and JSON body
 * and answers with the statuses it is given, in turn (then 200), as Slack and Mattermost answer
 * `ok`, Discord `204 No Content`.
 */
async function chatServer() {
  const received: Array<{ path: string; body: Record<string, unknown> }> = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : status === 204 ? undefined : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { received, statuses, url: (path: string) => `http://127.0.0.1:${port}${path}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const ALLOWED = { allowPrivate: true };
const STRICT = { allowPrivate: false };
const BASE = 'https://papers.example.org';

describe('group chat webhooks', () => {
  let t: TempDb;
  let ada: User;
  let grace: User;
  let chat: Awaited<ReturnType<typeof chatServer>>;
  let paperNo = 0;
  const fetchPaper = async () => null;

  before(async () => {
    t = await tempDb();
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    chat = await chatServer();
    const papers = Array.from({ length: 12 }, (_, i) => makePaper({ id: `2401.${String(i + 1).padStart(5, '0')}`, title: i === 0 ? 'Attention <script>alert(1)</script> @everyone *is* all' : `Paper ${i + 1}` }));
    await upsertPapers(t.db, papers);
  });
  after(async () => {
    await chat.close();
    await t.cleanup();
  });

  let groupNo = 0;
  async function group(): Promise<Group> {
    return createGroup(t.db, ada.id, { name: `Chatty ${++groupNo}`, slug: `chatty-${groupNo}`, isPublic: false });
  }
  async function queueOne(g: Group): Promise<string> {
    const id = `2401.${String(++paperNo).padStart(5, '0')}`;
    await addToQueue(t.db, ada.id, g.id, { paper: id, note: 'Read before Tuesday' }, fetchPaper);
    return id;
  }
  const rows = (webhookId: number) => t.db.selectFrom('chat_deliveries').selectAll().where('webhook_id', '=', webhookId).execute();

  it('refuses addresses that are not https, or lead to this machine or a private network', async () => {
    const g = await group();
    const refused = [
      'http://hooks.example.org/services/x',
      'ftp://hooks.example.org/x',
      'javascript:alert(1)',
      'not a url',
      'https://user:secret@hooks.example.org/x',
      'https://127.0.0.1/hooks/x',
      'https://127.1/x',
      'https://2130706433/x',
      'https://localhost/hooks/x',
      'https://10.0.0.5/hooks/x',
      'https://172.16.3.4/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fe80::1]/x',
      'https://[fd00::1]/x',
      'https://no-such-host.invalid/x',
    ];
    for (const url of refused) await assert.rejects(addWebhook(t.db, ada.id, g.id, { service: 'slack', url }, STRICT), rejectsWith('invalid', 'url'), url);
    await assert.rejects(addWebhook(t.db, ada.id, g.id, { service: 'irc', url: chat.url('/x') }, ALLOWED), rejectsWith('invalid', 'service'));
    assert.deepEqual(await webhooksOf(t.db, ada.id, g.id), []);
    // The operator's allowance lets a chat server on its own network in, over plain http.
    const hook = await addWebhook(t.db, ada.id, g.id, { service: 'slack', url: chat.url('/services/T000/B000/XXXX') }, ALLOWED);
    assert.equal(hook.shownUrl, `${new URL(chat.url('/')).origin}/…`);
    // Only the group's admins manage them.
    await assert.rejects(addWebhook(t.db, grace.id, g.id, { service: 'slack', url: chat.url('/y') }, ALLOWED), rejectsWith('not_found'));
  });

  it('checks the address again when it sends (a name may lead elsewhere by then), and does not retry a refusal', async () => {
    const g = await group();
    // Saved while the operator allowed private addresses; sent after they stopped allowing them.
    const hook = await addWebhook(t.db, ada.id, g.id, { service: 'mattermost', url: chat.url('/hooks/rebound').replace('http://127.0.0.1', 'https://localhost') }, ALLOWED);
    await queueOne(g);
    const before = chat.received.length;
    const report = await deliverChat(t.db, { baseUrl: BASE, policy: STRICT });
    assert.deepEqual(report, { sent: 0, retrying: 0, failed: 1 });
    assert.equal(chat.received.length, before, 'nothing reached the address');
    const [row] = await rows(hook.id);
    assert.equal(row!.status, 'failed');
    assert.match(row!.last_error!, /refused: it leads to this machine/);
    const [shown] = await webhooksOf(t.db, ada.id, g.id);
    assert.match(shown!.lastError!, /refused/);
    assert.equal(shown!.failed, 1);
  });

  it('retries with backoff when the service fails for now, and posts once it answers', async () => {
    const g = await group();
    const hook = await addWebhook(t.db, ada.id, g.id, { service: 'slack', url: chat.url('/services/retry') }, ALLOWED);
    await queueOne(g);
    chat.statuses.push(500, 503);
    const start = Date.now() + 60_000;
    const at = (ms: number) => () => new Date(start + ms);
    const opts = { baseUrl: BASE, policy: ALLOWED, retryMs: 1000 };
    assert.deepEqual(await deliverChat(t.db, { ...opts, now: at(0) }), { sent: 0, retrying: 1, failed: 0 });
    let [row] = await rows(hook.id);
    assert.equal(row!.next_attempt_at, new Date(start + 1000).toISOString());
    assert.deepEqual(await deliverChat(t.db, { ...opts, now: at(500) }), { sent: 0, retrying: 0, failed: 0 }, 'not due yet');
    assert.deepEqual(await deliverChat(t.db, { ...opts, now: at(1000) }), { sent: 0, retrying: 1, failed: 0 });
    [row] = await rows(hook.id);
    assert.equal(row!.next_attempt_at, new Date(start + 1000 + 2000).toISOString(), 'twice as long the second time');
    assert.match((await webhooksOf(t.db, ada.id, g.id))[0]!.lastError!, /answered 503/);
    assert.deepEqual(await deliverChat(t.db, { ...opts, now: at(3000) }), { sent: 1, retrying: 0, failed: 0 });
    [row] = await rows(hook.id);
    assert.equal(row!.status, 'sent');
    assert.equal(row!.attempts, 3);
    assert.equal(chat.received.filter((r) => r.path === '/services/retry').length, 3);
    assert.ok((await webhooksOf(t.db, ada.id, g.id))[0]!.lastOkAt);
    // Sent is sent: another pass posts nothing.
    assert.deepEqual(await deliverChat(t.db, { ...opts, now: at(60_000) }), { sent: 0, retrying: 0, failed: 0 });
  });

  it('gives up after the last attempt, and at once when the webhook is gone (404)', async () => {
    const g = await group();
    const hook = await addWebhook(t.db, ada.id, g.id, { service: 'discord', url: chat.url('/api/webhooks/1/gone') }, ALLOWED);
    await queueOne(g);
    chat.statuses.push(404);
    assert.deepEqual(await deliverChat(t.db, { baseUrl: BASE, policy: ALLOWED }), { sent: 0, retrying: 0, failed: 1 });
    assert.equal((await rows(hook.id))[0]!.status, 'failed');

    const other = await group();
    const flaky = await addWebhook(t.db, ada.id, other.id, { service: 'discord', url: chat.url('/api/webhooks/2/down') }, ALLOWED);
    await queueOne(other);
    chat.statuses.push(...Array.from({ length: MAX_CHAT_ATTEMPTS }, () => 500));
    let now = Date.now() + 60_000;
    for (let i = 0; i < MAX_CHAT_ATTEMPTS; i++) {
      await deliverChat(t.db, { baseUrl: BASE, policy: ALLOWED, retryMs: 10, now: () => new Date(now) });
      now += 10_000;
    }
    const [row] = await rows(flaky.id);
    assert.equal(row!.status, 'failed');
    assert.equal(row!.attempts, MAX_CHAT_ATTEMPTS);
  });

  it("posts each service's documented payload, with members' text unable to make links, markup or mentions", () => {
    const message = { segments: ['New in ', { label: 'Ada <lab> & *friends*', path: '/groups/ada-lab' }, ': @everyone <script>alert(1)</script> [x](javascript:alert(1))'] };
    const slack = chatPayload('slack', message, BASE);
    assert.deepEqual(Object.keys(slack), ['text']);
    assert.equal(slack.text, 'New in <https://papers.example.org/groups/ada-lab|Ada &lt;lab&gt; &amp; *friends*>: @everyone &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))');
    const discord = chatPayload('discord', message, BASE);
    assert.deepEqual(discord.allowed_mentions, { parse: [] });
    assert.equal(discord.content, 'New in [Ada \\<lab\\> & \\*friends\\*](https://papers.example.org/groups/ada-lab)\\: \\@everyone \\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(javascript\\:alert\\(1\\)\\)');
    assert.deepEqual(Object.keys(chatPayload('mattermost', message, BASE)), ['text']);
    const matrix = chatPayload('matrix', message, BASE);
    assert.equal(matrix.html, 'New in <a href="https://papers.example.org/groups/ada-lab">Ada &lt;lab&gt; &amp; *friends*</a>: @everyone &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))');
    assert.equal(matrix.text, 'New in Ada <lab> & *friends* (https://papers.example.org/groups/ada-lab): @everyone <script>alert(1)</script> [x](javascript:alert(1))');
    const long = chatPayload('discord', { segments: ['x'.repeat(5000)] }, BASE);
    assert.equal(String(long.content).length, 2000);
  });

  it('posts new queue items to every webhook of the group, and never shows or logs the address', async () => {
    const g = await group();
    await addWebhook(t.db, ada.id, g.id, { service: 'slack', url: chat.url('/services/T1/B1/secret-slack-path') }, ALLOWED);
    await addWebhook(t.db, ada.id, g.id, { service: 'matrix', url: chat.url('/webhook/secret-matrix-path') }, ALLOWED);
    await addToQueue(t.db, ada.id, g.id, { paper: '2401.00001', note: 'Tuesday' }, fetchPaper);
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
    const before = chat.received.length;
    assert.deepEqual(await deliverChat(t.db, { baseUrl: BASE, policy: ALLOWED, log }), { sent: 2, retrying: 0, failed: 0 });
    const posted = chat.received.slice(before);
    const slack = posted.find((p) => p.path.endsWith('secret-slack-path'))!;
    assert.match(String(slack.body.text), /^New in the queue of <https:\/\/papers\.example\.org\/groups\/chatty-\d+\|Chatty \d+>: <https:\/\/papers\.example\.org\/papers\/2401\.00001\|Attention &lt;script&gt;alert\(1\)&lt;\/script&gt; @everyone \*is\* all> \(arXiv:2401\.00001\), proposed by Ada: “Tuesday”$/);
    const matrix = posted.find((p) => p.path.endsWith('secret-matrix-path'))!;
    assert.match(String(matrix.body.html), /<a href="https:\/\/papers\.example\.org\/papers\/2401\.00001">Attention &lt;script&gt;/);
    assert.ok(lines.length > 0);
    assert.ok(lines.every((l) => !l.includes('secret-')), lines.join(''));

    // The settings page shows the host only, to admins only.
    const app = await testServer(t.db, t.dir, { env: { PAPERBOY_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    try {
      const admin = new Client(app);
      await admin.signIn(ada.email);
      const page = await admin.get(`/groups/${g.slug}/settings`);
      assert.equal(page.statusCode, 200);
      assert.ok(!page.body.includes('secret-'), 'no address in full');
      assert.match(page.body, /127\.0\.0\.1:\d+\/…/);
      const added = await admin.post(`/groups/${g.slug}/webhooks`, { service: 'mattermost', url: chat.url('/hooks/secret-mm-path') });
      assert.equal(added.statusCode, 200);
      assert.ok(!added.body.includes('secret-mm-path'));
      const refusedPage = await admin.post(`/groups/${g.slug}/webhooks`, { service: 'slack', url: 'hooks.slack.com/services/x' });
      assert.equal(refusedPage.statusCode, 400, 'refused beside the form');
      assert.match(refusedPage.body, /This is not a web address/);
    } finally {
      await app.close();
    }
  });
});
