import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { classifySendError, createMailer, MailError, type MailMessage } from '../../src/mail/mailer.js';
import { startSmtpRelay, unusedPort, type SmtpRelay } from '../support/smtp.js';

const message: MailMessage = { to: 'reader@example.org', subject: 'Papers', text: 'Three papers today.\n' };

/** What the mailer's send rejects with. */
async function failure(smtpUrl: string, m: MailMessage = message): Promise<unknown> {
  const mailer = createMailer({ smtpUrl, mailFrom: 'papers@example.org', dataDir: '/nonexistent' });
  try {
    await mailer.send(m);
  } catch (error) {
    return error;
  } finally {
    mailer.close();
  }
  throw new Error('the send did not fail');
}

function nodemailerError(fields: { code?: string; responseCode?: number; command?: string; message?: string }): Error {
  return Object.assign(new Error(fields.message ?? 'failed'), fields);
}

describe('classifySendError, on what a real relay answers', () => {
  let relay: SmtpRelay;
  before(async () => {
    relay = await startSmtpRelay();
  });
  after(async () => relay.close());

  it('550 to RCPT TO: permanent, about the recipient', async () => {
    relay.refuse('gone@example.org', 550, { message: 'Mailbox unavailable' });
    const error = await failure(relay.url, { ...message, to: 'gone@example.org' });
    const f = classifySendError(error);
    assert.equal(f.kind, 'permanent');
    assert.equal(f.relayWide, false);
    assert.equal(f.code, 'EENVELOPE');
    assert.equal(f.responseCode, 550);
    assert.match(f.reason, /EENVELOPE RCPT TO .*550 Mailbox unavailable/);
  });

  it('451 to RCPT TO: temporary, about the recipient', async () => {
    relay.refuse('busy@example.org', 451);
    const f = classifySendError(await failure(relay.url, { ...message, to: 'busy@example.org' }));
    assert.deepEqual([f.kind, f.relayWide, f.responseCode], ['temporary', false, 451]);
  });

  it('nothing listening: temporary, the relay as a whole', async () => {
    const f = classifySendError(await failure(`smtp://127.0.0.1:${await unusedPort()}`));
    assert.deepEqual([f.kind, f.relayWide], ['temporary', true]);
    assert.match(f.code ?? '', /^(ESOCKET|ECONNECTION)$/);
  });

  it('a refused login: temporary and relay-wide, never a bounce of the reader', async () => {
    const guarded = await startSmtpRelay({ auth: { user: 'paperboy', pass: 'right' } });
    try {
      const error = await failure(`smtp://paperboy:wrong@127.0.0.1:${guarded.port}`);
      const f = classifySendError(error);
      assert.deepEqual([f.kind, f.relayWide, f.code, f.responseCode], ['temporary', true, 'EAUTH', 535]);
      assert.doesNotMatch(f.reason, /wrong/);
    } finally {
      await guarded.close();
    }
  });

  it('a relay that greets with 554 and hangs up: temporary, relay-wide', async () => {
    const rude = net.createServer((socket) => socket.end('554 No SMTP service here\r\n'));
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    try {
      const f = classifySendError(await failure(`smtp://127.0.0.1:${(rude.address() as AddressInfo).port}`));
      assert.deepEqual([f.kind, f.relayWide], ['temporary', true]);
    } finally {
      await new Promise<void>((resolve) => rude.close(() => resolve()));
    }
  });
});

describe('classifySendError, by the fields nodemailer sets', () => {
  const cases: [string, Parameters<typeof nodemailerError>[0], 'temporary' | 'permanent' | 'invalid', boolean][] = [
    ['time-out connecting', { code: 'ETIMEDOUT', command: 'CONN' }, 'temporary', true],
    ['greeting never received', { code: 'ETIMEDOUT', command: 'CONN', message: 'Greeting never received' }, 'temporary', true],
    ['DNS failure', { code: 'EDNS', command: 'CONN' }, 'temporary', true],
    ['connection reset mid-message', { code: 'ECONNECTION', command: 'CONN' }, 'temporary', true],
    ['TLS failure', { code: 'ETLS', command: 'STARTTLS' }, 'temporary', true],
    ['421 closing channel, even on RCPT TO', { code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' }, 'temporary', true],
    ['452 to RCPT TO', { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' }, 'temporary', false],
    ['503 bad sequence', { code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO' }, 'temporary', false],
    ['551 user not local', { code: 'EENVELOPE', responseCode: 551, command: 'RCPT TO' }, 'permanent', false],
    ['554 to DATA (a spam filter: the message, not the address)', { code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, 'invalid', false],
    ['451 to DATA', { code: 'EMESSAGE', responseCode: 451, command: 'DATA' }, 'temporary', false],
    ['553 to MAIL FROM (our sender)', { code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }, 'temporary', true],
    ['message larger than the relay allows', { code: 'EMESSAGE', command: 'MAIL FROM' }, 'invalid', false],
    ['aborted', { code: 'EABORT' }, 'temporary', false],
    ['an error without a code', {}, 'temporary', false],
  ];
  for (const [name, fields, kind, relayWide] of cases) {
    it(name, () => {
      const f = classifySendError(nodemailerError(fields));
      assert.deepEqual([f.kind, f.relayWide], [kind, relayWide]);
    });
  }

  it('the mailer refusing an address is permanent; refusing another field is invalid', () => {
    assert.equal(classifySendError(new MailError('to', 'the address has no @')).kind, 'permanent');
    assert.equal(classifySendError(new MailError('subject', 'is empty')).kind, 'invalid');
  });

  it('keeps the reason to one line of bounded length', () => {
    const f = classifySendError(nodemailerError({ code: 'EMESSAGE', responseCode: 554, command: 'DATA', message: `Message failed: 554 ${'spam '.repeat(300)}\r\nmore` }));
    assert.ok(f.reason.length <= 500);
    assert.doesNotMatch(f.reason, /[\r\n]/);
  });
});

describe('mailer: caller-given Message-ID', () => {
  let dataDir: string;
  let relay: SmtpRelay;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-mail-'));
    relay = await startSmtpRelay();
  });
  after(async () => {
    await relay.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('uses the given id, over SMTP and in the .eml outbox, and the same one every time', async () => {
    const mailer = createMailer({ smtpUrl: relay.url, mailFrom: 'Paperboy <papers@example.org>', dataDir, rate: 100 });
    assert.equal(mailer.connections, 3);
    const first = await mailer.send({ ...message, id: 'digest-daily.2026-11-25.12.abc123' });
    const again = await mailer.send({ ...message, id: 'digest-daily.2026-11-25.12.abc123' });
    mailer.close();
    assert.equal(first.messageId, '<digest-daily.2026-11-25.12.abc123@example.org>');
    assert.equal(again.messageId, first.messageId);
    assert.match(first.response ?? '', /^250/);
    const got = await relay.waitFor(2);
    assert.deepEqual(got.map((m) => m.parsed.messageId), [first.messageId, first.messageId]);

    const files = createMailer({ smtpUrl: null, mailFrom: 'Paperboy <papers@example.org>', dataDir });
    const sent = await files.send({ ...message, id: 'digest-weekly.2026-W48.3.ff00' });
    assert.ok(sent.file?.endsWith('-digest-weekly.2026-W48.3.ff00.eml'));
    assert.equal((await simpleParser(fs.readFileSync(sent.file!))).messageId, '<digest-weekly.2026-W48.3.ff00@example.org>');
  });

  it('refuses an id that could break the header or a file name', async () => {
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'papers@example.org', dataDir });
    for (const id of ['', 'a b', 'a@b', '<a>', 'a\r\nBcc: x@example.org', '../etc', 'a/b', 'a..b', '.a', 'a.', 'x'.repeat(129)]) {
      await assert.rejects(mailer.send({ ...message, id }), (e: unknown) => e instanceof MailError && e.field === 'id', JSON.stringify(id));
    }
  });
});
