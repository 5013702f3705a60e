/**
 * Real recorded HTTP answers of outside services (test/fixtures/github, hf-hub, openai), read
 * into responses the local fixture server sends as they were recorded: status, headers and body.
 * Headers that describe the recorded connection (length, chunking, status line) are left out; the
 * local server sets its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ScriptedResponse } from './fixture-server.js';
import { repoRoot } from './paths.js';

export interface Recorded {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CONNECTION_HEADERS = new Set(['status', 'content-length', 'transfer-encoding', 'connection', 'content-encoding']);

export function recordingPath(service: 'github' | 'hf-hub' | 'openai', file: string): string {
  return path.join(repoRoot, 'test/fixtures', service, file);
}

/** The exchanges of a PyGithub replay file (ten lines each, separated by a blank line). */
export function pygithubReplay(file: string): Recorded[] {
  const text = readFileSync(recordingPath('github', file), 'utf8');
  return text
    .split(/\n\n(?=https?\n)/)
    .map((block) => block.split('\n'))
    .map((lines) => ({
      method: lines[1]!,
      path: lines[4]!,
      status: Number(lines[7]),
      headers: headersOf([...lines[8]!.matchAll(/\('([^']*)', '([^']*)'\)/g)].map((m) => [m[1]!, m[2]!])),
      body: lines.slice(9).join('\n').replace(/\n$/, ''),
    }));
}

/** The exchange of an octokit/fixtures raw fixture (nock's format). */
export function octokitFixture(file: string): Recorded {
  const [entry] = JSON.parse(readFileSync(recordingPath('github', file), 'utf8')) as Array<{ method: string; path: string; status: number; response: unknown; rawHeaders: string[] }>;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < entry!.rawHeaders.length; i += 2) pairs.push([entry!.rawHeaders[i]!, entry!.rawHeaders[i + 1]!]);
  return { method: entry!.method.toUpperCase(), path: entry!.path, status: entry!.status, headers: headersOf(pairs), body: JSON.stringify(entry!.response) };
}

/** The exchanges of a VCR cassette as pydantic-ai records them (`parsed_body`, or a raw `body.string`). */
export function cassette(file: string): Recorded[] {
  const doc = parse(readFileSync(recordingPath('openai', file), 'utf8')) as {
    interactions: Array<{ request: { method: string; uri: string }; response: { status: { code: number }; headers: Record<string, string[]>; parsed_body?: unknown; body?: { string: string } } }>;
  };
  return doc.interactions.map(({ request, response }) => ({
    method: request.method,
    path: new URL(request.uri).pathname,
    status: response.status.code,
    headers: headersOf(Object.entries(response.headers).map(([k, v]) => [k, v.join(', ')])),
    body: response.parsed_body !== undefined ? JSON.stringify(response.parsed_body) : (response.body?.string ?? ''),
  }));
}

export function asReply(r: Pick<Recorded, 'status' | 'headers' | 'body'>, overrides: Record<string, string> = {}): ScriptedResponse {
  return { kind: 'reply', status: r.status, headers: { ...r.headers, ...overrides }, body: r.body };
}

function headersOf(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    if (CONNECTION_HEADERS.has(key)) continue;
    out[key] = out[key] ? `${out[key]}, ${value}` : value;
  }
  return out;
}
