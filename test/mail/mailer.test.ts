import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';
import { createMailer, MailError, type MailMessage } from '../../src/mail/mailer.js';
import { passwordResetMail, verificationMail } from '../../src/community/account-mails.js';

interface Received {
  envelope: SMTPServerEnvelope;
  user: unknown;
  raw: Buffer;
}

/** A real SMTP server on 127.0.0.1 that wants a login and keeps what it is sent. */
async function startSmtpServer(user: string, pass: string): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ envelope: session.envelope, user: session.user, raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A logger whose JSON lines the test can read. */
function captureLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => `${v.name ? `${v.name} ` : ''}<${v.address}>`));
}

const message: MailMessage = {
  to: 'reader@example.org',
  subject: 'Your daily papers — 27 November',
  text: 'Three papers today.\n\nhttps://papers.example.org/day/2026-11-27\n',
  html: '<p>Three papers <em>today</em>.</p>',
  headers: { 'List-Unsubscribe': '<https://papers.example.org/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
};

/** The header as written (mailparser folds List-* headers into one object). */
function headerLine(mail: ParsedMail, key: string): string | undefined {
  return mail.headerLines.find((h) => h.key === key)?.line;
}

function checkParsed(mail: ParsedMail): void {
  assert.deepEqual(addresses(mail.from), ['Paperboy <papers@example.org>']);
  assert.deepEqual(addresses(mail.to), ['<reader@example.org>']);
  assert.equal(mail.subject, 'Your daily papers — 27 November');
  assert.equal(mail.text, 'Three papers today.\n\nhttps://papers.example.org/day/2026-11-27\n');
  assert.equal(mail.html, '<p>Three papers <em>today</em>.</p>');
  assert.equal(headerLine(mail, 'list-unsubscribe'), 'List-Unsubscribe: <https://papers.example.org/u/abc>');
  assert.equal(headerLine(mail, 'list-unsubscribe-post'), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  assert.equal(headerLine(mail, 'auto-submitted'), 'Auto-Submitted: auto-generated');
  assert.equal(headerLine(mail, 'mime-version'), 'MIME-Version: 1.0');
  assert.match(headerLine(mail, 'content-type') ?? '', /^Content-Type: multipart\/alternative;/);
  assert.equal(mail.headerLines.filter((h) => h.key === 'to' || h.key === 'bcc' || h.key === 'cc').length, 1);
  assert.ok(mail.date instanceof Date && !Number.isNaN(mail.date.getTime()));
}

describe('mailer over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  before(async () => {
    smtp = await startSmtpServer('paperboy', 'p@ss/word');
  });
  after(async () => smtp.close());

  it('logs in with the URL credentials (percent-decoded) and delivers a message with both parts and the extra headers', async () => {
    const { logger, lines } = captureLogger();
    const mailer = createMailer(
      { smtpUrl: `smtp://paperboy:p%40ss%2Fword@127.0.0.1:${smtp.port}`, mailFrom: 'Paperboy <papers@example.org>', dataDir: '/nonexistent' },
      logger,
    );
    const sent = await mailer.send(message);
    mailer.close();
    assert.match(sent.id, /^[0-9a-f]{24}$/);
    assert.equal(sent.messageId, `<${sent.id}@example.org>`);
    assert.equal(sent.file, undefined);

    assert.equal(smtp.received.length, 1);
    const [got] = smtp.received;
    assert.equal(got!.user, 'paperboy');
    assert.equal(got!.envelope.mailFrom && got!.envelope.mailFrom.address, 'papers@example.org');
    assert.deepEqual(got!.envelope.rcptTo.map((r) => r.address), ['reader@example.org']);

    const mail = await simpleParser(got!.raw);
    checkParsed(mail);
    assert.equal(mail.messageId, sent.messageId);

    const log = lines();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.msg, 'mail sent');
    assert.equal(log[0]!.relay, `smtp://127.0.0.1:${smtp.port}`);
    assert.doesNotMatch(JSON.stringify(log), /p%40ss|p@ss/);
  });

  it('fails loudly when the relay refuses the login', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://paperboy:wrong@127.0.0.1:${smtp.port}`, mailFrom: 'papers@example.org', dataDir: '/nonexistent' });
    await assert.rejects(mailer.send(message), /Invalid username or password|EAUTH/);
    mailer.close();
    assert.equal(smtp.received.length, 1);
  });

  it('refuses header injection and malformed messages before connecting', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://paperboy:p%40ss%2Fword@127.0.0.1:${smtp.port}`, mailFrom: 'papers@example.org', dataDir: '/nonexistent' });
    const bad: [Partial<MailMessage>, string][] = [
      [{ to: 'reader@example.org\r\nBcc: everyone@example.org' }, 'to'],
      [{ to: 'reader@example.org\nBcc: everyone@example.org' }, 'to'],
      [{ to: 'reader@example.org, other@example.org' }, 'to'],
      [{ to: 'Reader <reader@example.org>' }, 'to'],
      [{ to: 'not-an-address' }, 'to'],
      [{ to: `${'a'.repeat(250)}@example.org` }, 'to'],
      [{ subject: 'Hello\r\nBcc: everyone@example.org' }, 'subject'],
      [{ subject: 'Hello\nX-Injected: 1' }, 'subject'],
      [{ subject: '   ' }, 'subject'],
      [{ text: '' }, 'text'],
      [{ headers: { 'List-Unsubscribe': '<https://x>\r\nBcc: everyone@example.org' } }, 'headers'],
      [{ headers: { 'Bcc': 'everyone@example.org' } }, 'headers'],
      [{ headers: { 'X-Bad Name': 'x' } }, 'headers'],
      [{ headers: { 'X-Bad:Name': 'x' } }, 'headers'],
    ];
    for (const [change, field] of bad) {
      await assert.rejects(mailer.send({ ...message, ...change }), (e: unknown) => e instanceof MailError && e.field === field, JSON.stringify(change));
    }
    mailer.close();
    assert.equal(smtp.received.length, 1);
  });
});

describe('mailer without SMTP: the outbox', () => {
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-mail-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('writes a complete RFC 5322 message to <dataDir>/outbox and says where in the log', async () => {
    const { logger, lines } = captureLogger();
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'Paperboy <papers@example.org>', dataDir }, logger);
    const sent = await mailer.send(message);
    assert.ok(sent.file);
    assert.equal(path.dirname(sent.file), path.join(dataDir, 'outbox'));
    assert.match(path.basename(sent.file), new RegExp(`^\\d{8}T\\d{9}Z-${sent.id}\\.eml$`));
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'outbox')), [path.basename(sent.file)]);

    const raw = fs.readFileSync(sent.file);
    assert.ok(raw.includes('\r\n'));
    assert.doesNotMatch(raw.toString('latin1'), /[^\r]\n/);
    const mail = await simpleParser(raw);
    checkParsed(mail);
    assert.equal(mail.messageId, sent.messageId);

    assert.deepEqual(lines().map((l) => [l.msg, l.file, l.to]), [['no SMTP relay configured: mail written to the outbox', sent.file, 'reader@example.org']]);
  });

  it('refuses the same bad messages without writing anything', async () => {
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'papers@example.org', dataDir });
    await assert.rejects(mailer.send({ ...message, to: 'a@example.org\r\nBcc: b@example.org' }), MailError);
    await assert.rejects(mailer.send({ ...message, subject: 'x\r\nBcc: b@example.org' }), MailError);
    assert.equal(fs.readdirSync(path.join(dataDir, 'outbox')).length, 1);
  });

  it('sends the account mails with links built from the base URL, and escapes names in HTML', async () => {
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'Paperboy <papers@example.org>', dataDir });
    const token = 'abc_DEF-123abc_DEF-123abc_DEF-123abc_DEF-12';
    const verify = await simpleParser(fs.readFileSync((await mailer.send(verificationMail({ to: 'eve@example.org', displayName: '<b>Eve</b>', token, baseUrl: 'https://papers.example.org' }))).file!));
    assert.equal(verify.subject, 'Confirm your email address for Paperboy');
    const verifyLink = `https://papers.example.org/verify-email?token=${token}`;
    assert.ok(verify.text?.includes(`\n\n${verifyLink}\n\n`));
    assert.ok(verify.text?.startsWith('Hello <b>Eve</b>,'));
    assert.ok(verify.html && verify.html.includes(`<a href="${verifyLink}">`));
    assert.ok(verify.html && verify.html.includes('Hello &lt;b&gt;Eve&lt;/b&gt;,'));
    assert.match(verify.text ?? '', /for 48 hours/);

    const reset = await simpleParser(fs.readFileSync((await mailer.send(passwordResetMail({ to: 'eve@example.org', displayName: 'Eve', token, baseUrl: 'http://localhost:3000' }))).file!));
    assert.equal(reset.subject, 'Reset your Paperboy password');
    assert.ok(reset.text?.includes(`http://localhost:3000/reset-password?token=${token}`));
    assert.match(reset.text ?? '', /for 60 minutes/);
  });
});
