import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatCompletions, readAnswer, SYSTEM_PROMPT, UnusableAnswer } from '../../src/sources/chat-completions.js';
import { ServiceError } from '../../src/sources/service.js';
import { FixtureServer } from '../support/fixture-server.js';
import { asReply, cassette } from '../support/recordings.js';

const PAPER = { title: 'Attention Is All You Need', abstract: 'We propose the Transformer, based solely on attention mechanisms.' };
const NOW = Date.parse('2026-12-03T10:00:00Z');

/** The recorded Ollama reply with only its message's content replaced: the envelope as the server sends it, a summary as the prompt asks for. */
function ollamaReplyWith(content: string) {
  const [recorded] = cassette('chat-completions-200.ollama-local-qwen3.pydantic-ai-cassette.yaml');
  const body = JSON.parse(recorded!.body) as { choices: Array<{ message: { content: string } }> };
  body.choices[0]!.message.content = content;
  return asReply({ ...recorded!, body: JSON.stringify(body) });
}

describe('chat completions client (recorded OpenAI-compatible answers)', () => {
  let server: FixtureServer;
  before(async () => {
    server = await FixtureServer.start();
  });
  after(() => server.close());
  const llm = (timeoutMs = 5000) => new ChatCompletions({ url: `${server.origin}/v1`, model: 'qwen3:0.6b', key: 'sk-local', timeoutMs });

  it('asks for a JSON summary at <url>/chat/completions with the key, and reads it from the recorded envelope', async () => {
    server.reset();
    server.enqueue(ollamaReplyWith('<think>\nShort.\n</think>\n```json\n{"summary": "The Transformer replaces recurrence with attention alone.", "keywords": ["Transformer", "attention", "Transformer"]}\n```'));
    const written = await llm().summarize(PAPER, NOW);
    assert.deepEqual(written, { summary: 'The Transformer replaces recurrence with attention alone.', keywords: ['Transformer', 'attention'], model: 'qwen3:0.6b' });
    const request = server.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer sk-local');
  });

  it('says a reply that answers something else is unusable (the recorded replies, as they are)', async () => {
    for (const file of ['chat-completions-200.ollama-local-qwen3.pydantic-ai-cassette.yaml', 'chat-completions-200.openai-o3-mini.pydantic-ai-cassette.yaml']) {
      server.reset();
      server.enqueue(asReply(cassette(file)[0]!));
      await assert.rejects(llm().summarize(PAPER, NOW), (e: unknown) => e instanceof UnusableAnswer, file);
    }
  });

  it('pauses on a 429 (the recorded OpenRouter one), a minute when it gives no Retry-After', async () => {
    server.reset();
    const [limited] = cassette('chat-completions-429.openrouter.pydantic-ai-cassette.yaml');
    server.enqueue(asReply(limited!));
    await assert.rejects(llm().summarize(PAPER, NOW), (e: unknown) => {
      assert.ok(e instanceof ServiceError);
      assert.equal(e.status, 429);
      assert.match(e.message, /rate limited \(HTTP 429: Provider returned error\)/);
      assert.equal(e.pauseUntil, NOW + 60_000);
      return true;
    });
    server.enqueue(asReply(limited!, { 'retry-after': '7' }));
    await assert.rejects(llm().summarize(PAPER, NOW), (e: unknown) => e instanceof ServiceError && e.pauseUntil === NOW + 7000);
  });

  it('fails a server error or a time-out as a service error, without a pause', async () => {
    server.reset();
    server.enqueue({ kind: 'reply', status: 503, headers: { 'content-type': 'application/json' }, body: '{"error": "model is loading"}' });
    await assert.rejects(llm().summarize(PAPER, NOW), (e: unknown) => e instanceof ServiceError && e.status === 503 && e.pauseUntil === null && /model is loading/.test(e.message));
    server.enqueue({ kind: 'hang' });
    await assert.rejects(llm(200).summarize(PAPER, NOW), (e: unknown) => e instanceof ServiceError && /timed out/.test(e.message));
  });

  it('reads a reply leniently and checks it strictly', () => {
    assert.deepEqual(readAnswer('Sure! {"summary": "A  one\\nline summary.", "keywords": [" a ", "b"]} Hope it helps.'), { summary: 'A one line summary.', keywords: ['a', 'b'] });
    assert.throws(() => readAnswer('{"summary": "short", "keywords": []}'), UnusableAnswer);
    assert.throws(() => readAnswer('{"summary": 42}'), UnusableAnswer);
    assert.throws(() => readAnswer('no json here'), UnusableAnswer);
    const long = readAnswer(JSON.stringify({ summary: 'word '.repeat(150), keywords: Array.from({ length: 20 }, (_, i) => `k${i}`) }));
    assert.ok(long.summary.length <= 400 && long.summary.endsWith('…'));
    assert.equal(long.keywords.length, 12);
    assert.match(SYSTEM_PROMPT, /JSON object/);
  });
});
