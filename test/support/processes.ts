import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startCli } from './cli.js';
import { unusedPort } from './smtp.js';

/** Resolves once a log line of the child passes `test`; fails when the child exits first. Keeps everything it logs in `log`. */
export function waitForLog(child: ChildProcess, log: string[], test: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      log.push(...lines);
      if (lines.some(test)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`paperboy exited (${code}):\n${log.join('\n')}`)));
  });
}

/** A `paperboy serve` started by a test, on a port of its own. */
export interface ServeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Every line it logged so far (JSON lines: PAPERBOY_LOG_LEVEL=info). */
  log: string[];
}

/** A data folder of its own for each process, inside `dir`: as on machines that share no disk, only the database is shared. */
export const foldersIn =
  (dir: string) =>
  (i: number): string =>
    path.join(dir, `process-${i}`);

/**
 * Starts `count` serve processes with `env` (a test database's settings and what the test adds),
 * process i with the data folder `dataDir(i)`, each trusting 127.0.0.1 as its proxy so that a
 * test's visitors can come from addresses of their own (X-Forwarded-For); resolves once all of
 * them are serving.
 */
export async function startServes(count: number, env: Record<string, string>, dataDir: (i: number) => string): Promise<ServeProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const port = await unusedPort();
      const child = startCli(['serve'], { PAPERBOY_DEMO: 'false', PAPERBOY_TRUST_PROXY: '127.0.0.1', ...env, PAPERBOY_DATA_DIR: dataDir(i), PORT: String(port), PAPERBOY_LOG_LEVEL: 'info' });
      const log: string[] = [];
      await waitForLog(child, log, (line) => line.includes('Paperboy is serving'));
      return { child, base: `http://127.0.0.1:${port}`, log };
    }),
  );
}

/** Stops a process (SIGTERM) and waits until it has exited; nothing if it already has. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('close', resolve));
  child.kill(signal);
  await exited;
}

/** The messages of a process's log lines (JSON lines, or text as it came). */
export function messages(log: string[]): string[] {
  return log.flatMap((line) => {
    try {
      return [(JSON.parse(line) as { msg: string }).msg];
    } catch {
      return [line];
    }
  });
}

let visitors = 0;

/**
 * A browser over real HTTP: keeps its cookies, reads the form token off the last page, and comes
 * from an address of its own (X-Forwarded-For, which the processes above believe), as visitors
 * of a public site do, so limits per address count it alone. It may talk to any of the processes.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  readonly address = `10.9.${Math.floor(++visitors / 250)}.${(visitors % 250) + 1}`;

  async get(base: string, path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(base + path, { headers: this.headers(), redirect: 'manual' });
    this.keep(res);
    const body = await res.text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? this.csrf;
    return { status: res.status, body };
  }

  async post(base: string, path: string, form: Record<string, string>, opts: { json?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
    const res = await fetch(base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded', ...(opts.json ? { accept: 'application/json' } : {}), ...opts.headers },
      body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString(),
    });
    this.keep(res);
    return { status: res.status, body: await res.text() };
  }

  private headers(): Record<string, string> {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-forwarded-for': this.address };
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
  }
}
