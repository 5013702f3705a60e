/**
 * One-line summaries and keywords from an OpenAI-compatible chat completions endpoint
 * (`POST <url>/chat/completions`: OpenAI, a local Ollama, vLLM or llama.cpp server, or any hosted
 * one). The model is asked for a JSON object; what it answers is read leniently (a Markdown code
 * fence, a reasoning model's `<think>` block before it) and then strictly checked. A 429 pauses
 * the service (`Retry-After`, or a minute); an answer that is not usable is `UnusableAnswer`, so
 * the paper can be tried again later without the service being blamed.
 */
import { z } from 'zod';
import type { LlmSettings } from '../config.js';
import { jsonBody, retryAfterOf, ServiceError, serviceRequest } from './service.js';

export interface PaperSummary {
  summary: string;
  keywords: string[];
  /** The model that wrote it, as the endpoint names it. */
  model: string;
}

export class UnusableAnswer extends Error {
  override name = 'UnusableAnswer';
}

const RATE_LIMIT_PAUSE_MS = 60_000;
const MAX_SUMMARY_CHARS = 400;
const MAX_KEYWORDS = 12;

export const SYSTEM_PROMPT =
  'You summarize research papers for a daily list of new papers. Answer with a JSON object only: ' +
  '{"summary": "<one sentence, at most 40 words, saying what the paper does and finds, in plain words>", ' +
  '"keywords": ["<5 to 12 technical terms from the paper>"]}.';

const completion = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

const answer = z.object({
  summary: z.string().trim().min(10).max(MAX_SUMMARY_CHARS * 2),
  keywords: z.array(z.string().trim().min(1).max(80)).max(40),
});

export class ChatCompletions {
  constructor(private readonly settings: Pick<LlmSettings, 'url' | 'model' | 'key'> & { timeoutMs: number }) {}

  get model(): string {
    return this.settings.model;
  }

  async summarize(paper: { title: string; abstract: string }, now = Date.now()): Promise<PaperSummary> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.settings.key) headers.authorization = `Bearer ${this.settings.key}`;
    const body = JSON.stringify({
      model: this.settings.model,
      temperature: 0,
      stream: false,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: `Title: ${paper.title}\n\nAbstract: ${paper.abstract}` },
      ],
    });
    const res = await serviceRequest('language model', `${this.settings.url}/chat/completions`, { method: 'POST', headers, body, timeoutMs: this.settings.timeoutMs });
    if (res.status === 429) throw new ServiceError('language model', `rate limited (HTTP 429${errorMessage(res.body)})`, retryAfterOf(res.headers, now) ?? now + RATE_LIMIT_PAUSE_MS, 429);
    if (res.status !== 200) throw new ServiceError('language model', `HTTP ${res.status}${errorMessage(res.body)}`, retryAfterOf(res.headers, now), res.status);
    const parsed = completion.safeParse(jsonBody('language model', res));
    if (!parsed.success) throw new ServiceError('language model', 'the answer is not a chat completion', null, 200);
    return { ...readAnswer(parsed.data.choices[0]!.message.content ?? ''), model: parsed.data.model ?? this.settings.model };
  }
}

/** The summary and keywords in a model's reply, or `UnusableAnswer`. */
export function readAnswer(content: string): { summary: string; keywords: string[] } {
  const withoutThinking = content.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const start = withoutThinking.indexOf('{');
  const end = withoutThinking.lastIndexOf('}');
  if (start < 0 || end < start) throw new UnusableAnswer('the reply holds no JSON object');
  let value: unknown;
  try {
    value = JSON.parse(withoutThinking.slice(start, end + 1));
  } catch {
    throw new UnusableAnswer('the reply holds no valid JSON object');
  }
  const checked = answer.safeParse(value);
  if (!checked.success) throw new UnusableAnswer(`the reply's JSON is not a summary: ${checked.error.issues[0]?.path.join('.') ?? ''} ${checked.error.issues[0]?.message ?? ''}`);
  const summary = checked.data.summary.replace(/\s+/g, ' ');
  const keywords = [...new Set(checked.data.keywords.map((k) => k.replace(/\s+/g, ' ')))].slice(0, MAX_KEYWORDS);
  return { summary: summary.length > MAX_SUMMARY_CHARS ? `${summary.slice(0, MAX_SUMMARY_CHARS - 1).trimEnd()}…` : summary, keywords };
}

function errorMessage(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: { message?: unknown } | string }).error;
    const message = typeof error === 'string' ? error : error?.message;
    return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
