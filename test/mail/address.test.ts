import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emailProblem, normalizeEmail } from '../../src/mail/address.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('email addresses', () => {
  it('accepts ordinary addresses and stores them trimmed and lower-cased', () => {
    assert.equal(normalizeEmail(' Ada.Lovelace+papers@Example.ORG '), 'ada.lovelace+papers@example.org');
    assert.equal(normalizeEmail("o'brien@sub.example.co.uk"), "o'brien@sub.example.co.uk");
    assert.equal(normalizeEmail('user@xn--bcher-kva.example'), 'user@xn--bcher-kva.example');
  });

  it('says what is wrong with the rest', () => {
    assert.equal(emailProblem(''), 'is empty');
    assert.equal(emailProblem('a@example.org\r\nBcc: b@example.org'), 'contains a line break');
    assert.equal(emailProblem('example.org'), 'has no @');
    assert.equal(emailProblem('user@localhost'), 'has no dot in its domain');
    assert.equal(emailProblem('a..b@example.org'), 'has a misplaced dot before the @');
    assert.equal(emailProblem(`${'a'.repeat(65)}@example.org`), 'has more than 64 characters before the @');
    assert.equal(emailProblem(`${'a'.repeat(64)}@${'b'.repeat(186)}.org`), 'is longer than 254 characters');
    assert.match(emailProblem('a b@example.org') ?? '', /^is not a valid address/);
    assert.match(emailProblem('üser@example.org') ?? '', /^is not a valid address/);
    assert.equal(normalizeEmail('a@example.org\n'), null);
  });
});

describe('mail configuration', () => {
  it('defaults to the outbox and a local base URL', () => {
    const config = loadConfig({});
    assert.deepEqual([config.smtpUrl, config.mailFrom, config.baseUrl], [null, 'Paperboy <paperboy@localhost>', 'http://localhost:3000']);
    assert.equal(loadConfig({ PAPERBOY_BASE_URL: 'https://papers.example.org/' }).baseUrl, 'https://papers.example.org');
    assert.equal(loadConfig({}).baseUrlGiven, false);
    assert.equal(loadConfig({ PAPERBOY_BASE_URL: 'https://papers.example.org/' }).baseUrlGiven, true);
    assert.equal(loadConfig({ PAPERBOY_SMTP_URL: 'smtps://u:p@mail.example.org:465' }).smtpUrl, 'smtps://u:p@mail.example.org:465');
  });

  it('points links at the port the site listens on when no base URL is set', () => {
    assert.equal(loadConfig({ PORT: '3840' }).baseUrl, 'http://localhost:3840');
    assert.equal(loadConfig({ PORT: '3840' }, { port: '4000' }).baseUrl, 'http://localhost:4000', 'the --port flag wins, for links too');
    assert.equal(loadConfig({ PORT: '3840', PAPERBOY_BASE_URL: '' }).baseUrl, 'http://localhost:3840', 'an empty variable is unset');
    assert.equal(loadConfig({ PORT: '3840', PAPERBOY_BASE_URL: 'https://papers.example.org' }).baseUrl, 'https://papers.example.org');
  });

  it('refuses a relay that is not smtp(s), without printing its password, and a From with a line break', () => {
    assert.throws(() => loadConfig({ PAPERBOY_SMTP_URL: 'https://user:hunter2@mail.example.org' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /PAPERBOY_SMTP_URL="https:\/\/\*\*\*@mail\.example\.org": must be an smtp:\/\/ or smtps:\/\/ URL/);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
    assert.throws(() => loadConfig({ PAPERBOY_MAIL_FROM: 'a@example.org\r\nBcc: b@example.org' }), /PAPERBOY_MAIL_FROM/);
    assert.throws(() => loadConfig({ PAPERBOY_BASE_URL: 'javascript:alert(1)' }), /PAPERBOY_BASE_URL/);
  });
});
