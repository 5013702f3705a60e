import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../log.js';
import { emailProblem } from './address.js';

/**
 * The one way Paperboy sends mail. Through an SMTP relay when one is configured; otherwise each
 * message is written, complete (RFC 5322, CRLF line ends, MIME parts), to
 * `<dataDir>/outbox/<timestamp>-<id>.eml`, where an operator can open it in any mail program.
 * Rendering (templates.ts) and choosing whom to send what (digests, later) live elsewhere.
 */

export interface MailMessage {
  /** One bare address (`reader@example.org`). */
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers such as `List-Unsubscribe`; not the ones the mailer writes itself. */
  headers?: Record<string, string>;
}

export interface SentMail {
  /** Random, also the local part of the Message-ID and the end of the outbox file name. */
  id: string;
  /** `<id@sender-domain>` */
  messageId: string;
  /** The .eml written, when there is no SMTP relay. */
  file?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  /** Closes pooled SMTP connections (none are pooled today; call it on shutdown anyway). */
  close(): void;
}

export interface MailerConfig {
  smtpUrl: string | null;
  /** `Paperboy <papers@example.org>` or a bare address. */
  mailFrom: string;
  dataDir: string;
}

/** A message the mailer refuses to send, naming the field. */
export class MailError extends Error {
  override name = 'MailError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const MAX_SUBJECT_LENGTH = 300;
/** RFC 5322's hard limit for a header line, less room for the name. */
const MAX_HEADER_VALUE_LENGTH = 900;
/** Headers the mailer writes itself; a caller setting one would be a bug or an injection. */
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'reply-to', 'sender', 'return-path', 'mime-version', 'content-type', 'content-transfer-encoding', 'auto-submitted']);

export function createMailer(config: MailerConfig, logger?: Logger): Mailer {
  const domain = /@([^\s>]+)>?\s*$/.exec(config.mailFrom)?.[1] ?? 'localhost';
  const outbox = path.join(config.dataDir, 'outbox');
  const transport = config.smtpUrl
    ? nodemailer.createTransport(smtpOptions(config.smtpUrl))
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const relay = config.smtpUrl ? describeRelay(config.smtpUrl) : null;

  return {
    async send(message) {
      checkMessage(message);
      const id = randomBytes(12).toString('hex');
      const messageId = `<${id}@${domain}>`;
      const info = await transport.sendMail({
        from: config.mailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        messageId,
        date: new Date(),
        // RFC 3834: no vacation auto-replies to our notices.
        headers: { 'Auto-Submitted': 'auto-generated', ...message.headers },
        // Keep the bare `to`; nodemailer would otherwise also accept "a, b" lists and groups.
        envelope: { from: addressOf(config.mailFrom), to: [message.to] },
      });
      if (relay) {
        logger?.info({ id, to: message.to, relay }, 'mail sent');
        return { id, messageId };
      }
      const raw = (info as { message?: unknown }).message;
      if (!Buffer.isBuffer(raw)) throw new Error('stream transport returned no message buffer');
      const file = path.join(outbox, `${timestamp(new Date())}-${id}.eml`);
      await fs.mkdir(outbox, { recursive: true });
      // Written aside and renamed, so whoever watches the folder never reads half a message.
      await fs.writeFile(`${file}.tmp`, raw);
      await fs.rename(`${file}.tmp`, file);
      logger?.info({ id, to: message.to, file }, 'no SMTP relay configured: mail written to the outbox');
      return { id, messageId, file };
    },
    close() {
      transport.close();
    },
  };
}

function checkMessage(m: MailMessage): void {
  const problem = typeof m.to === 'string' ? emailProblem(m.to) : 'is missing';
  if (problem) throw new MailError('to', `the address ${problem}`);
  if (typeof m.subject !== 'string' || m.subject.trim() === '') throw new MailError('subject', 'is empty');
  if (/[\r\n]/.test(m.subject)) throw new MailError('subject', 'contains a line break');
  if (m.subject.length > MAX_SUBJECT_LENGTH) throw new MailError('subject', `is longer than ${MAX_SUBJECT_LENGTH} characters`);
  if (typeof m.text !== 'string' || m.text === '') throw new MailError('text', 'is empty');
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) throw new MailError('headers', `bad header name ${JSON.stringify(name)}`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new MailError('headers', `${name} is set by the mailer`);
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new MailError('headers', `${name} contains a line break`);
    if (value.length > MAX_HEADER_VALUE_LENGTH) throw new MailError('headers', `${name} is too long`);
  }
}

/** `Name <a@b.org>` → `a@b.org` */
function addressOf(from: string): string {
  return /<([^>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/**
 * `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start).
 * Parsed here with the WHATWG URL so a percent-encoded user or password (`p%40ss`) is decoded.
 */
function smtpOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    ...(url.username === '' ? {} : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
}

/** Host and port only: the URL's user and password stay out of the logs. */
function describeRelay(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}

/** `20261127T101500123Z`: sorts by time and is a valid file name everywhere. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}
