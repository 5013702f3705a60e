import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from '../../src/config.js';
import { LIMITS } from '../../src/web/security.js';
import { tempDb, type TempDb } from '../support/db.js';
import { testServer } from '../support/web.js';

let attempts = 0;

/**
 * Failed sign-ins from `remoteAddress`, each claiming to be for `forwardedFor`; returns the status
 * codes. Each names another account, so only the limit per address can refuse them.
 */
async function signInAttempts(app: FastifyInstance, remoteAddress: string, forwardedFor: (i: number) => string | undefined, count: number): Promise<number[]> {
  const page = await app.inject({ url: '/signin', remoteAddress });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const cookie = [page.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]).join('; ');
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const forwarded = forwardedFor(i);
    const res = await app.inject({
      method: 'POST',
      url: '/signin',
      remoteAddress,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) },
      payload: new URLSearchParams({ _csrf: csrf, email: `nobody.${++attempts}@example.org`, password: 'wrong password' }).toString(),
    });
    codes.push(res.statusCode);
  }
  return codes;
}

describe('rate limits behind a reverse proxy (PAPERBOY_TRUST_PROXY)', () => {
  let t: TempDb;
  let direct: FastifyInstance;
  let proxied: FastifyInstance;
  const over = LIMITS.signIn.max + 1;
  before(async () => {
    t = await tempDb();
    direct = await testServer(t.db, t.dir);
    proxied = await testServer(t.db, t.dir, { env: { PAPERBOY_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' } });
  });
  after(async () => {
    await direct.close();
    await proxied.close();
    await t.cleanup();
  });

  it('without it, X-Forwarded-For is ignored: a client cannot escape its limit by inventing addresses', async () => {
    const codes = await signInAttempts(direct, '198.51.100.1', (i) => `203.0.113.${i}`, over);
    assert.equal(codes.at(-1), 429);
  });

  it('with it, each client behind the proxy has its own limit', async () => {
    // Two visitors behind one proxy: the first reaches the limit, the second is unaffected.
    const first = await signInAttempts(proxied, '127.0.0.1', () => '203.0.113.7', over);
    assert.equal(first.at(-1), 429);
    const second = await signInAttempts(proxied, '127.0.0.1', () => '203.0.113.8', 1);
    assert.notEqual(second[0], 429);
    // The first is still limited when its requests come through another listed proxy.
    const again = await signInAttempts(proxied, '10.1.2.3', () => '203.0.113.7', 1);
    assert.equal(again[0], 429);
  });

  it('a client that is not a listed proxy cannot claim another address', async () => {
    const codes = await signInAttempts(proxied, '198.51.100.2', (i) => `203.0.113.${100 + i}`, over);
    assert.equal(codes.at(-1), 429);
  });

  it('refuses a value that is not a list of addresses or ranges, naming the variable', () => {
    for (const bad of ['yes', '10.0.0.0/33', '::1/129', '127.0.0.1/8/2', 'localhost', '0.0.0.0/0', '::/0', 'fe80::1%eth0', '::ffff:127.0.0.1/64']) {
      assert.throws(() => loadConfig({ PAPERBOY_TRUST_PROXY: bad }), (error: unknown) => error instanceof ConfigError && /PAPERBOY_TRUST_PROXY/.test(error.message), bad);
    }
    assert.deepEqual(loadConfig({ PAPERBOY_TRUST_PROXY: '127.0.0.1,::1, 10.0.0.0/8, fd00::/8, ::ffff:10.0.0.0/104' }).trustProxy, ['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8', '::ffff:10.0.0.0/104']);
    assert.deepEqual(loadConfig({}).trustProxy, []);
  });
});
