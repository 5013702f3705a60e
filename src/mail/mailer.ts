import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type NodemailerError } from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { emailProblem } from './address.js';

/**
 * The one way Paperboy sends mail. Through an SMTP relay when one is configured; otherwise each
 * message is written, complete (RFC 5322, CRLF line ends, MIME parts), to
 * `<dataDir>/outbox/<timestamp>-<id>.eml`, where an operator can open it in any mail program.
 * Writing the mails (community/account-mails.ts, digest/) and choosing whom to send what
 * (digest/outbox.ts) live above it: mail/ is transport only.
 *
 * Over SMTP the mailer keeps a small pool of connections to the relay and paces itself with
 * nodemailer's own rate limit (`rate` messages a second, counted for the whole pool), so one
 * mailer is one relay's budget. `classifySendError` tells a failure worth retrying from one that
 * is final; the digest outbox (digest/outbox.ts) decides what to do with each.
 */

export interface MailMessage {
  /** One bare address (`reader@example.org`). */
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers such as `List-Unsubscribe`; not the ones the mailer writes itself. */
  headers?: Record<string, string>;
  /**
   * The Message-ID's local part (`digest-daily.2026-11-25.12.3f9a…`, without `<` and `@`), so a
   * message sent again (a retry, or after a crash) carries the same Message-ID and mail programs
   * can tell it is the same message. Letters, digits, `_ = + -` and single inner dots, at most
   * 128 characters. Random when not given.
   */
  id?: string;
}

export interface SendOptions {
  /** Gives up on the message (while it waits in the pool, or mid-delivery): `send` rejects with code EABORT. */
  signal?: AbortSignal;
}

export interface SentMail {
  /** Random, also the local part of the Message-ID and the end of the outbox file name. */
  id: string;
  /** `<id@sender-domain>` */
  messageId: string;
  /** The .eml written, when there is no SMTP relay. */
  file?: string;
  /** The relay's reply to the message (`250 OK: queued as …`), when sent over SMTP. */
  response?: string;
}

export interface Mailer {
  send(message: MailMessage, options?: SendOptions): Promise<SentMail>;
  /**
   * How many messages are worth having in flight at once (the pool's connections); the outbox
   * sends about twice as many at a time so no connection waits for the database. 1 without a relay.
   */
  readonly connections?: number;
  /** Closes the pooled SMTP connections once their deliveries in flight are done; call it on shutdown. */
  close(): void;
}

export interface MailerConfig {
  smtpUrl: string | null;
  /** `Paperboy <papers@example.org>` or a bare address. */
  mailFrom: string;
  dataDir: string;
  /** Messages a second to the relay, for the whole pool (PAPERBOY_SMTP_RATE). Default 10. */
  rate?: number;
  /** Connections to the relay kept open at once. Default 3. */
  maxConnections?: number;
}

export const DEFAULT_SMTP_RATE = 10;
export const DEFAULT_SMTP_CONNECTIONS = 3;

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

/** The mailer the configuration describes (relay, sender, rate, connections). */
export function configuredMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir' | 'smtpRate' | 'smtpConnections'>, logger?: Logger): Mailer {
  return createMailer({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir, rate: config.smtpRate, maxConnections: config.smtpConnections }, logger);
}

export function createMailer(config: MailerConfig, logger?: Logger): Mailer {
  const domain = /@([^\s>]+)>?\s*$/.exec(config.mailFrom)?.[1] ?? 'localhost';
  const outbox = path.join(config.dataDir, 'outbox');
  const connections = config.smtpUrl ? Math.max(1, Math.floor(config.maxConnections ?? DEFAULT_SMTP_CONNECTIONS)) : 1;
  const transport = config.smtpUrl
    ? nodemailer.createTransport({ ...smtpOptions(config.smtpUrl), ...poolOptions(config.rate ?? DEFAULT_SMTP_RATE, connections) })
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const relay = config.smtpUrl ? describeRelay(config.smtpUrl) : null;

  return {
    connections,
    async send(message, options = {}) {
      checkMessage(message);
      const id = message.id ?? randomBytes(12).toString('hex');
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
        // Said outright, so nodemailer does not scan every part to choose (a measurable cost per digest).
        textEncoding: 'quoted-printable',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (relay) {
        const response = (info as { response?: unknown }).response;
        logger?.info({ id, to: message.to, relay }, 'mail sent');
        return { id, messageId, ...(typeof response === 'string' ? { response } : {}) };
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

/** What a Message-ID's local part may be here: a dot-atom of characters that are also safe in a file name. */
const MESSAGE_ID_LOCAL = /^[A-Za-z0-9_=+-]+(?:\.[A-Za-z0-9_=+-]+)*$/;
const MAX_MESSAGE_ID_LOCAL = 128;

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
  if (m.id !== undefined) {
    if (typeof m.id !== 'string' || !MESSAGE_ID_LOCAL.test(m.id)) throw new MailError('id', 'must be letters, digits, _ = + - and single inner dots');
    if (m.id.length > MAX_MESSAGE_ID_LOCAL) throw new MailError('id', `is longer than ${MAX_MESSAGE_ID_LOCAL} characters`);
  }
}

/**
 * How a send failed, for deciding what to do with the message:
 * - `temporary`: the same message may well go through later. SMTP 4xx (and 503, which only says
 *   the session was out of step), the connection refused, reset or closed, time-outs, DNS, TLS
 *   and greeting failures; also the relay refusing our login or our sender address, whatever its
 *   code: that is the operator's to fix and no reader's fault, so the mail waits for a retry.
 * - `permanent`: the relay refused this recipient for good: a 5xx reply to RCPT TO
 *   (`550 mailbox unavailable`, nodemailer code EENVELOPE), or an address the mailer itself
 *   refuses. Sending to it again would get the same answer.
 * - `invalid`: the message cannot be sent as it is (empty, too large for the relay's SIZE, a field
 *   the mailer refuses, a 5xx reply to its DATA such as a spam filter's) and nothing the relay
 *   said is about the address: retrying will not help, but the reader is not to blame either.
 *
 * `relayWide`: the failure is about the relay or our account there, not about this message (it
 * is down, times out, refuses our login or sender, closes with 421): the next message would
 * fail the same way. Never true for a `permanent` failure.
 *
 * Reads the fields nodemailer sets on its errors (see NodemailerError in nodemailer/errors):
 * `code` (ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, ETLS, EAUTH, EENVELOPE, EMESSAGE, …),
 * `responseCode` (the SMTP reply's number) and `command` (`CONN`, `EHLO`, `AUTH PLAIN`,
 * `MAIL FROM`, `RCPT TO`, `DATA`, `API`).
 */
export type SendErrorKind = 'temporary' | 'permanent' | 'invalid';

export interface SendFailure {
  kind: SendErrorKind;
  relayWide: boolean;
  /** The nodemailer code (`EENVELOPE`) or, for an error of our own, its name. */
  code: string | undefined;
  responseCode: number | undefined;
  /** One line for logs and the outbox: the code, the command, the relay's reply. No credentials, no body. */
  reason: string;
}

/** Commands whose failure is about the recipient or the message, not the relay. */
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);
const RELAY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EREQUIRETLS', 'EPROTOCOL', 'EPROXY', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EMAXLIMIT', 'ECONFIG']);
const MAX_REASON_LENGTH = 500;

export function classifySendError(error: unknown): SendFailure {
  if (error instanceof MailError) {
    const kind = error.field === 'to' ? 'permanent' : 'invalid';
    return { kind, relayWide: false, code: error.name, responseCode: undefined, reason: oneLine(error.message) };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : error instanceof Error ? error.name : undefined;
  const responseCode = typeof e.responseCode === 'number' && Number.isFinite(e.responseCode) ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const reason = oneLine([code, command, message].filter(Boolean).join(' '));
  const failure = (kind: SendErrorKind, relayWide: boolean): SendFailure => ({ kind, relayWide, code, responseCode, reason });

  if (code === 'EABORT') return failure('temporary', false);
  if (responseCode !== undefined) {
    // 421: the relay is closing the channel (overloaded, shutting down), whatever the command.
    if (responseCode === 421) return failure('temporary', true);
    const aboutMessage = (command !== undefined && MESSAGE_COMMANDS.has(command)) || code === 'EMESSAGE';
    if (!aboutMessage) return failure('temporary', true);
    // RFC 5321: 5yz is a permanent negative reply, 4yz a transient one; 503 is a bad sequence of
    // commands, a fault of the session rather than of the message.
    const permanent = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    if (!permanent) return failure('temporary', false);
    // Only a refused recipient says the address is bad. A 5xx after DATA refuses this message
    // (spam filter, size, policy): bouncing the reader for it would unsubscribe a whole list.
    return failure(command === 'RCPT TO' ? 'permanent' : 'invalid', false);
  }
  if (code !== undefined && RELAY_CODES.has(code)) return failure('temporary', true);
  // No SMTP reply: nodemailer refused the message itself (too large, no recipients, a stream error).
  if (code === 'EMESSAGE' || code === 'EENVELOPE' || code === 'ESTREAM' || code === 'EMAXRECIPIENTS') return failure('invalid', false);
  // Anything else (a bug, a system error without a code we know) is worth another try; the
  // outbox's limit on attempts stops it from trying for ever.
  return failure('temporary', false);
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
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

/**
 * A few pooled connections, paced by nodemailer's own limiter: at most `rateLimit` messages are
 * handed to the connections in each `rateDelta` window. `rate` is messages a second; a fraction
 * (0.5) becomes one message every two seconds.
 */
function poolOptions(rate: number, connections: number) {
  const limit = Number.isFinite(rate) && rate > 0 ? { rateLimit: Math.max(1, Math.floor(rate)), rateDelta: Math.round((1000 * Math.max(1, Math.floor(rate))) / rate) } : {};
  return { pool: true as const, maxConnections: connections, maxMessages: 100, ...limit };
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
