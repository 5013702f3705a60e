import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('settings of the outside services', () => {
  it('asks GitHub and the Hub at their public addresses by default, and no language model', () => {
    const { services, dayPage } = loadConfig({});
    assert.equal(dayPage, 'featured');
    assert.deepEqual(services, { timeoutMs: 15_000, github: { apiUrl: 'https://api.github.com', token: null }, hub: { url: 'https://huggingface.co' }, llm: null });
  });

  it('turns a service off, takes a token, and an endpoint with its model, key, rate and budget', () => {
    const { services, dayPage } = loadConfig({
      PAPERBOY_DAY_PAGE: 'full',
      PAPERBOY_GITHUB_API_URL: 'off',
      PAPERBOY_HUB_URL: 'http://127.0.0.1:9000/',
      PAPERBOY_LLM_URL: 'http://localhost:11434/v1/',
      PAPERBOY_LLM_MODEL: 'llama3.2',
      PAPERBOY_LLM_KEY: 'sk-123',
      PAPERBOY_LLM_PER_MINUTE: '4',
      PAPERBOY_LLM_DAILY_BUDGET: '100',
      PAPERBOY_SERVICE_TIMEOUT_MS: '2000',
    });
    assert.equal(dayPage, 'full');
    assert.deepEqual(services, {
      timeoutMs: 2000,
      github: null,
      hub: { url: 'http://127.0.0.1:9000' },
      llm: { url: 'http://localhost:11434/v1', model: 'llama3.2', key: 'sk-123', perMinute: 4, dailyBudget: 100 },
    });
  });

  it('names a wrong setting without printing a secret', () => {
    const error = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.message;
      }
      assert.fail('accepted');
    };
    assert.match(error({ PAPERBOY_LLM_URL: 'http://localhost:11434/v1' }), /PAPERBOY_LLM_MODEL="": PAPERBOY_LLM_URL needs the model/);
    assert.match(error({ PAPERBOY_DAY_PAGE: 'some' }), /PAPERBOY_DAY_PAGE="some": must be featured or full/);
    assert.match(error({ PAPERBOY_GITHUB_API_URL: 'ftp://x' }), /PAPERBOY_GITHUB_API_URL="ftp:\/\/x": must be an http\(s\) URL, or off/);
    const leaked = error({ PAPERBOY_LLM_URL: 'http://user:hunter2@host/v1', PAPERBOY_LLM_MODEL: 'm', PAPERBOY_LLM_PER_MINUTE: '0' });
    assert.match(leaked, /PAPERBOY_LLM_PER_MINUTE="0"/);
    assert.doesNotMatch(error({ PAPERBOY_LLM_URL: 'not a url://user:hunter2@x' }), /hunter2/);
  });
});
