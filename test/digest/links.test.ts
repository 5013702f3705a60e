import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readSubscriptionToken, subscriptionLink, TOKEN_PROBLEMS, type LinkPurpose } from '../../src/digest/links.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const NOW = new Date('2026-11-29T08:00:00Z');
const DAY = 24 * 3600_000;
const sub = { id: 42, linkVersion: 3 };

function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

describe('signed subscription links', () => {
  it('builds a full URL per purpose, dropping a trailing slash from the base URL', () => {
    assert.match(subscriptionLink('https://papers.example.org/', SECRET, 'confirm', sub, NOW), /^https:\/\/papers\.example\.org\/subscribe\/confirm\?token=42\.3\.\d+\.[\w-]{43}$/);
    assert.match(subscriptionLink('https://papers.example.org', SECRET, 'manage', sub, NOW), /^https:\/\/papers\.example\.org\/subscribe\/manage\?token=/);
    assert.match(subscriptionLink('http://localhost:3000', SECRET, 'unsubscribe', sub, NOW), /^http:\/\/localhost:3000\/subscribe\/unsubscribe\?token=/);
    // The token needs no escaping in a URL or a header.
    assert.match(tokenOf(subscriptionLink('https://x.org', SECRET, 'manage', sub, NOW)), /^[\w.-]+$/);
  });

  it('reads back the subscription and link version for the same purpose', () => {
    for (const purpose of ['confirm', 'manage', 'unsubscribe'] as LinkPurpose[]) {
      const token = tokenOf(subscriptionLink('https://x.org', SECRET, purpose, sub, NOW));
      assert.deepEqual(readSubscriptionToken(SECRET, token, purpose, NOW), { subscriptionId: 42, linkVersion: 3 });
    }
  });

  it('expires confirm links after 7 days, manage and unsubscribe links after 180', () => {
    const confirm = tokenOf(subscriptionLink('https://x.org', SECRET, 'confirm', sub, NOW));
    assert.ok('subscriptionId' in readSubscriptionToken(SECRET, confirm, 'confirm', new Date(NOW.getTime() + 7 * DAY - 1000)));
    assert.deepEqual(readSubscriptionToken(SECRET, confirm, 'confirm', new Date(NOW.getTime() + 7 * DAY + 1000)), { problem: TOKEN_PROBLEMS.expired });
    for (const purpose of ['manage', 'unsubscribe'] as LinkPurpose[]) {
      const token = tokenOf(subscriptionLink('https://x.org', SECRET, purpose, sub, NOW));
      assert.ok('subscriptionId' in readSubscriptionToken(SECRET, token, purpose, new Date(NOW.getTime() + 179 * DAY)));
      assert.deepEqual(readSubscriptionToken(SECRET, token, purpose, new Date(NOW.getTime() + 181 * DAY)), { problem: TOKEN_PROBLEMS.expired });
    }
  });

  it('refuses a token used for another purpose', () => {
    const manage = tokenOf(subscriptionLink('https://x.org', SECRET, 'manage', sub, NOW));
    assert.deepEqual(readSubscriptionToken(SECRET, manage, 'unsubscribe', NOW), { problem: TOKEN_PROBLEMS.forged });
    assert.deepEqual(readSubscriptionToken(SECRET, manage, 'confirm', NOW), { problem: TOKEN_PROBLEMS.forged });
  });

  it('refuses tampered ids, versions, expiries and tags, and another server’s secret', () => {
    const token = tokenOf(subscriptionLink('https://x.org', SECRET, 'unsubscribe', sub, NOW));
    const [id, version, expires, tag] = token.split('.') as [string, string, string, string];
    const forged = [
      `43.${version}.${expires}.${tag}`,
      `${id}.4.${expires}.${tag}`,
      `${id}.${version}.${Number(expires) + 86_400 * 365}.${tag}`,
      `${id}.${version}.${expires}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`,
      `${id}.${version}.${expires}.${tag.slice(0, -1)}${tag.endsWith('B') ? 'C' : 'B'}`,
      `${id}.${version}.${expires}.${'A'.repeat(43)}`,
    ];
    for (const t of forged) assert.deepEqual(readSubscriptionToken(SECRET, t, 'unsubscribe', NOW), { problem: TOKEN_PROBLEMS.forged }, t);
    assert.deepEqual(readSubscriptionToken('another-secret-that-is-at-least-32-characters', token, 'unsubscribe', NOW), { problem: TOKEN_PROBLEMS.forged });
  });

  it('is not signed with the bare server secret (a derived key, used for links only)', () => {
    const token = tokenOf(subscriptionLink('https://x.org', SECRET, 'manage', sub, NOW));
    const [id, version, expires, tag] = token.split('.') as [string, string, string, string];
    const withBareSecret = createHmac('sha256', SECRET).update(`manage\n${id}\n${version}\n${expires}`).digest('base64url');
    assert.notEqual(tag, withBareSecret);
  });

  it('calls malformed tokens malformed', () => {
    const token = tokenOf(subscriptionLink('https://x.org', SECRET, 'manage', sub, NOW));
    for (const t of ['', 'abc', token.slice(0, -5), `${token}x`, `0.1.${token.split('.').slice(2).join('.')}`, `-1.${token.slice(3)}`, token.replace(/\./g, ','), `${token}\r\nX: y`, 'x'.repeat(5000)]) {
      assert.deepEqual(readSubscriptionToken(SECRET, t, 'manage', NOW), { problem: TOKEN_PROBLEMS.malformed }, JSON.stringify(t.slice(0, 80)));
    }
  });

  it('refuses to sign nonsense ids or versions', () => {
    assert.throws(() => subscriptionLink('https://x.org', SECRET, 'manage', { id: 0, linkVersion: 1 }));
    assert.throws(() => subscriptionLink('https://x.org', SECRET, 'manage', { id: 1.5, linkVersion: 1 }));
    assert.throws(() => subscriptionLink('https://x.org', SECRET, 'manage', { id: 1, linkVersion: 0 }));
  });
});
