import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { waitForLog } from '../support/processes.js';
import { startSmtpRelay, unusedPort, type SmtpRelay } from '../support/smtp.js';

describe('paperboy serve on another port, with no PAPERBOY_BASE_URL', () => {
  let t: TempDb;
  let relay: SmtpRelay;
  let child: ChildProcess;
  let port: number;
  const log: string[] = [];

  before(async () => {
    t = await tempDb();
    relay = await startSmtpRelay();
    port = await unusedPort();
    child = startCli(['serve'], {
      PORT: String(port),
      PAPERBOY_BASE_URL: '',
      ...t.env,
      PAPERBOY_DEMO: 'false',
      PAPERBOY_SMTP_URL: relay.url,
      PAPERBOY_LOG_LEVEL: 'info',
    });
    await waitForLog(child, log, (line) => line.includes('Paperboy is serving'));
  });
  after(async () => {
    await stop();
    await relay?.close();
    await t?.cleanup();
  });

  it('mails links to the port it listens on, and they lead back to it', async () => {
    const base = `http://localhost:${port}`;
    const form = await fetch(`${base}/subscribe`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const posted = await fetch(`${base}/subscribe`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: 'reader@example.org', frequency: 'daily', categories: '', authors: '', searches: '' }),
    });
    assert.equal(posted.status, 200, await posted.text());

    const [mail] = await relay.waitFor(1);
    const text = mail!.parsed.text ?? '';
    const links = text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
    const confirm = links.find((link) => link.includes('/subscribe/confirm?token='));
    assert.ok(confirm?.startsWith(`${base}/subscribe/confirm?token=`), text);
    assert.deepEqual(links.filter((link) => new URL(link).hostname === 'localhost' && new URL(link).origin !== base), []);
    assert.equal((await fetch(confirm!)).status, 200);
  });

  it('said at start where links in mails point, and how to change it', async () => {
    await stop();
    const messages = log.map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.ok(messages.includes(`Links in mails point at http://localhost:${port}; if people reach the site at another address, set PAPERBOY_BASE_URL to it`), messages.join('\n'));
  });

  /** Stops the server; its log is complete once it has exited. */
  async function stop() {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});
