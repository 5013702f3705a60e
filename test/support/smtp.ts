import { EventEmitter } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP relay on 127.0.0.1 for tests (the `smtp-server` package): it keeps every message
 * it accepts, parsed back with `mailparser`, and can refuse chosen recipients with a chosen reply
 * (550 for good, 451 for a while) to exercise bounces and retries.
 *
 *   const relay = await startSmtpRelay();
 *   relay.refuse('gone@example.org', 550);             // every RCPT TO for it, from now on
 *   relay.refuse('busy@example.org', 451, { times: 2 }); // the first two, then accepted
 *   const mailer = createMailer({ smtpUrl: relay.url, … });
 *   …
 *   const [mail] = await relay.waitFor(1);
 *   mail.parsed.subject; mail.envelope.to; relay.to('reader@example.org');
 *   mailer.close(); await relay.close();
 */

export interface ReceivedMail {
  envelope: { from: string | null; to: string[] };
  /** What the client logged in as, when the relay wants a login. */
  user: unknown;
  raw: Buffer;
  parsed: ParsedMail;
  /** `Date.now()` when the end of DATA arrived. */
  receivedAt: number;
}

export interface RefuseOptions {
  /** How many RCPT TO for the address are refused before it is accepted again. Default: all. */
  times?: number;
  message?: string;
}

export interface SmtpRelayOptions {
  /** Listen on this port (say, one that `unusedPort()` gave and a mailer already points at). Default: any free one. */
  port?: number;
  /** Require this login (AUTH PLAIN or LOGIN, over plain TCP). Default: none. */
  auth?: { user: string; pass: string };
  /** How long `close()` lets clients (a mailer's pooled connections) linger before closing them with 421. Default 200 ms. */
  closeTimeoutMs?: number;
  /** Accept this many messages, then leave every later one unanswered after its DATA (a relay that hangs mid-send). */
  acceptOnly?: number;
}

export interface SmtpRelay {
  port: number;
  /** `smtp://127.0.0.1:<port>`, or with the login when `auth` was given. */
  url: string;
  /** Parsed messages, in the order their parsing finished. */
  received: ReceivedMail[];
  /** RCPT TO commands seen per address (lower case), refused or not. */
  rcptCount(address: string): number;
  /** Messages whose envelope has this recipient. */
  to(address: string): ReceivedMail[];
  /** Refuses RCPT TO for the address with `code` (550, 451, …). */
  refuse(address: string, code: number, options?: RefuseOptions): void;
  /** Resolves once `count` messages have been received (and parsed); rejects after `timeoutMs` (default 30 s) saying how many came. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Messages left unanswered because of `acceptOnly`; none of them was accepted. */
  held(): number;
  /** Accepts every message from now on, as a relay back to health (those held stay unanswered). */
  acceptAll(): void;
  /** Resolves once every message accepted so far is parsed and in `received`. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Refusal {
  code: number;
  remaining: number;
  message: string;
}

export async function startSmtpRelay(options: SmtpRelayOptions = {}): Promise<SmtpRelay> {
  const received: ReceivedMail[] = [];
  const rcpts = new Map<string, number>();
  const refusals = new Map<string, Refusal>();
  const events = new EventEmitter();
  const parsing = new Set<Promise<void>>();
  const auth = options.auth;
  let accepted = 0;
  let held = 0;
  let acceptOnly = options.acceptOnly;

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    closeTimeout: options.closeTimeoutMs ?? 200,
    ...(auth
      ? {
          allowInsecureAuth: true,
          authMethods: ['PLAIN', 'LOGIN'],
          onAuth(login, _session, callback) {
            if (login.username === auth.user && login.password === auth.pass) callback(null, { user: login.username });
            else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
          },
        }
      : { authOptional: true }),
    onRcptTo(address, _session, callback) {
      const key = address.address.toLowerCase();
      rcpts.set(key, (rcpts.get(key) ?? 0) + 1);
      const refusal = refusals.get(key);
      if (refusal && refusal.remaining > 0) {
        refusal.remaining--;
        callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        return;
      }
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const receivedAt = Date.now();
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const user = session.user;
        if (acceptOnly !== undefined && accepted >= acceptOnly) {
          held++;
          return;
        }
        accepted++;
        callback();
        const job = simpleParser(raw)
          .then((parsed) => {
            received.push({ envelope, user, raw, parsed, receivedAt });
            events.emit('mail');
          })
          .finally(() => parsing.delete(job));
        parsing.add(job);
      });
    },
  });

  // A client that goes away mid-message (a killed sender) resets its socket; that is not our failure.
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  const login = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';

  return {
    port,
    url: `smtp://${login}127.0.0.1:${port}`,
    received,
    rcptCount: (address) => rcpts.get(address.toLowerCase()) ?? 0,
    held: () => held,
    acceptAll: () => {
      acceptOnly = undefined;
    },
    settled: async () => {
      await Promise.allSettled([...parsing]);
    },
    to: (address) => received.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === address.toLowerCase())),
    refuse(address, code, refuseOptions = {}) {
      const message = refuseOptions.message ?? (code >= 500 ? 'Mailbox unavailable' : 'Try again later');
      refusals.set(address.toLowerCase(), { code, remaining: refuseOptions.times ?? Infinity, message });
    },
    waitFor(count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          events.off('mail', check);
          resolve(received.slice());
        };
        const timer = setTimeout(() => {
          events.off('mail', check);
          reject(new Error(`expected ${count} messages at the relay, got ${received.length}`));
        }, timeoutMs);
        events.on('mail', check);
        check();
      });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...parsing]);
    },
  };
}

/** A port on 127.0.0.1 with nothing listening on it (a relay that is down), free to listen on later. */
export async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
