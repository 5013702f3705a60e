import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

let addresses = 0;

/** A browser stand-in for inject(): keeps cookies, reads the form token off the last page. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf = '';
  /** Each client comes from its own address, as rate limits count per address; a test may move it. */
  remoteAddress = `127.0.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;
  constructor(private readonly app: FastifyInstance) {}

  /** The same browser (its cookies and form token) visiting another server of the site. */
  on(app: FastifyInstance): Client {
    const other = new Client(app);
    for (const [name, value] of this.cookies) other.cookies.set(name, value);
    other.csrf = this.csrf;
    other.remoteAddress = this.remoteAddress;
    return other;
  }

  private keep(setCookie: string | string[] | undefined) {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!, value.join('='));
    }
  }

  private get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    const res = await this.app.inject({ url, remoteAddress: this.remoteAddress, headers: { cookie: this.cookieHeader } });
    this.keep(res.headers['set-cookie']);
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? this.csrf;
    return res;
  }

  async post(url: string, form: Record<string, string>, opts: { withToken?: boolean; json?: boolean; headers?: Record<string, string> } = {}) {
    const body = new URLSearchParams({ ...(opts.withToken === false ? {} : { _csrf: this.csrf }), ...form });
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', ...(opts.json ? { accept: 'application/json' } : {}), ...opts.headers },
      payload: body.toString(),
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  /** A file upload as a browser sends it (multipart/form-data), with the form token unless told not to. */
  async postFile(url: string, file: { name: string; content: string | Buffer }, opts: { withToken?: boolean } = {}) {
    const form = new FormData();
    if (opts.withToken !== false) form.append('_csrf', this.csrf);
    form.append('file', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), file.name);
    const encoded = new Response(form);
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: { cookie: this.cookieHeader, 'content-type': encoded.headers.get('content-type')! },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async signIn(email: string, password = 'correct horse battery') {
    await this.get('/signin');
    const res = await this.post('/signin', { email, password });
    assert.equal(res.statusCode, 303, `sign-in of ${email}`);
    // A page with a form: the token changes at sign-in.
    await this.get('/submit');
  }
}

