import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { signUp } from '../../src/community/accounts.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { testServer } from '../support/web.js';

/**
 * Limits on authentication count per client address and per target account, whatever session
 * cookie comes with the request. An outside review sent 12 sign-ups from one address (limit 5)
 * and 33 wrong passwords for one account (limit 10), each with some valid session cookie, and
 * none was refused.
 */
describe('limits on authentication', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let shared = 0;
  before(async () => {
    t = await tempDb();
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  /** Members signed in (each from an address of its own), then all moved to one address. */
  async function throwawaySessions(count: number): Promise<Client[]> {
    const address = `10.9.${++shared}.1`;
    const clients: Client[] = [];
    for (let i = 0; i < count; i++) {
      const client = new Client(app);
      await client.signIn((await makeMember(t.db, `Throwaway ${shared}-${i}`)).email);
      client.remoteAddress = address;
      clients.push(client);
    }
    return clients;
  }

  it('counts sign-ups per address, whatever session comes with them', async () => {
    const clients = await throwawaySessions(6);
    const statuses: number[] = [];
    for (const [i, client] of clients.entries()) {
      statuses.push((await client.post('/signup', { displayName: `New ${i}`, email: `new.${i}@example.org`, password: 'correct horse battery' })).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });

  it('counts wrong passwords per address, switching among session cookies', async () => {
    const victim = await makeMember(t.db, 'Victim One');
    const clients = await throwawaySessions(3);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await clients[i % 3]!.post('/signin', { email: victim.email, password: `guess ${i}` })).statusCode);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
  });

  it('counts wrong passwords per account, from any number of addresses', async () => {
    const victim = await makeMember(t.db, 'Victim Two');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const client = new Client(app);
      await client.get('/signin');
      // The same account, however it is written.
      const email = i % 2 === 0 ? victim.email.toUpperCase() : ` ${victim.email}`;
      statuses.push((await client.post('/signin', { email, password: `guess ${i}` })).statusCode);
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
    const owner = new Client(app);
    await owner.get('/signin');
    assert.equal((await owner.post('/signin', { email: victim.email, password: 'correct horse battery' })).statusCode, 429, 'until the window ends, for the owner too');
  });

  it('counts forgotten-password requests per address and per account', async () => {
    const clients = await throwawaySessions(6);
    const perAddress: number[] = [];
    for (const [i, client] of clients.entries()) perAddress.push((await client.post('/forgot-password', { email: `someone.${i}@example.org` })).statusCode);
    assert.deepEqual(perAddress, [200, 200, 200, 200, 200, 429]);

    const target = await makeMember(t.db, 'Reset Target');
    const perAccount: number[] = [];
    for (let i = 0; i < 6; i++) {
      const client = new Client(app);
      await client.get('/forgot-password');
      perAccount.push((await client.post('/forgot-password', { email: target.email })).statusCode);
    }
    assert.deepEqual(perAccount, [200, 200, 200, 200, 200, 429]);
  });

  it('counts address confirmations per address, whatever session comes with them', async () => {
    const clients = await throwawaySessions(6);
    const statuses: number[] = [];
    for (const [i, client] of clients.entries()) {
      const { verificationToken } = await signUp(t.db, { email: `confirm.${shared}.${i}@example.org`, password: 'correct horse battery', displayName: 'Confirmer' });
      await client.get(`/verify-email?token=${verificationToken}`);
      statuses.push((await client.post(`/verify-email?token=${verificationToken}`, {})).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });

  it('counts subscriptions per address, whatever session comes with them', async () => {
    const clients = await throwawaySessions(11);
    const statuses: number[] = [];
    for (const [i, client] of clients.entries()) {
      await client.get('/subscribe');
      statuses.push((await client.post('/subscribe', { email: `reader.${i}@example.org`, frequency: 'daily' })).statusCode);
    }
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
  });
});
