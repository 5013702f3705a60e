import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

let addresses = 0;

/** A browser stand-in for inject(): keeps cookies, reads the form token off the last page. */
export class Client {
  private cookies = new Map<string, string>();
  csrf = '';
  /** Each client comes from its own address, as rate limits count per address. */
  private readonly remoteAddress = `127.0.0.${++addresses + 1}`;
  constructor(private readonly app: FastifyInstance) {}

  /** The same browser (its cookies and form token) visiting another server of the site. */
  on(app: FastifyInstance): Client {
    const other = new Client(app);
    other.cookies = new Map(this.cookies);
    other.csrf = this.csrf;
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

  async post(url: string, form: Record<string, string>, opts: { withToken?: boolean; json?: boolean } = {}) {
    const body = new URLSearchParams({ ...(opts.withToken === false ? {} : { _csrf: this.csrf }), ...form });
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', ...(opts.json ? { accept: 'application/json' } : {}) },
      payload: body.toString(),
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async signIn(email: string, password = 'correct horse battery') {
    await this.get('/signin');
    const res = await this.post('/signin', { email, password });
    assert.equal(res.statusCode, 303, `sign-in of ${email}`);
    await this.get('/');
  }
}

