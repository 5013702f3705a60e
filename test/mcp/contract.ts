/**
 * What an assistant sees, checked the same way over both transports with the SDK's own client:
 * the tools and resources listed, each tool called, bad arguments and unknown papers named in the
 * error, and the token rules (none, mistyped, revoked, suspended member).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { revokeApiToken } from '../../src/community/api-tokens.js';
import { suspendUser, unsuspendUser } from '../../src/community/moderation.js';
import { paperMarkdownById } from '../../src/web/api/markdown.js';
import { BASE_URL, HIDDEN, type McpFixture } from './fixture.js';

export interface Transport {
  fixture(): McpFixture;
  /** A connected client; its calls carry this token (over stdio: the server is started with it). */
  connect(token: string | null): Promise<Client>;
}

interface Brief {
  id: string;
  title: string;
  authors: string;
  summary: string;
  url: string;
  arxiv: string;
}

export const TOOLS = ['add_to_collection', 'daily_papers', 'for_you', 'get_paper', 'search_papers', 'similar_papers', 'upvote'];

type Result = Awaited<ReturnType<Client['callTool']>>;

export function text(result: Result): string {
  const [first] = result.content as { type: string; text: string }[];
  assert.equal(first?.type, 'text');
  return first.text;
}

export function json<T = Record<string, unknown>>(result: Result): T {
  assert.ok(!result.isError, `the tool refused: ${text(result)}`);
  const value = JSON.parse(text(result)) as T;
  assert.deepEqual(result.structuredContent, value, 'the same answer as text and as structured content');
  return value;
}

/** The tool's error message; the call must have failed. */
export function refusal(result: Result): string {
  assert.equal(result.isError, true, `expected a refusal, got ${text(result)}`);
  return text(result);
}

export function mcpContract(transport: Transport): void {
  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });

  it('lists its tools, each described with a schema of its arguments, and the paper resource', async () => {
    const client = await transport.connect(null);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    for (const tool of tools) {
      assert.ok((tool.description ?? '').length > 40, `${tool.name} is described`);
      assert.equal(tool.inputSchema.type, 'object');
    }
    const search = tools.find((t) => t.name === 'search_papers')!;
    assert.deepEqual(search.inputSchema.required, ['query']);
    assert.deepEqual((search.inputSchema.properties as Record<string, { enum?: string[] }>).mode!.enum, ['keyword', 'semantic', 'hybrid']);
    assert.equal(tools.find((t) => t.name === 'upvote')!.annotations?.readOnlyHint, false);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((r) => r.uriTemplate), ['paperboy://papers/{+id}']);
    await client.close();
  });

  it('searches, with compact results: id, title, a few authors, the first sentence, links; hidden papers left out', async () => {
    const client = await transport.connect(null);
    const found = json<{ papers: Brief[] }>(await call(client, 'search_papers', { query: 'graph', mode: 'keyword', limit: 5 }));
    const ids = found.papers.map((p) => p.id);
    assert.ok(ids.includes('2601.00001') && ids.includes('2601.00002'), ids.join());
    assert.ok(!ids.includes(HIDDEN), 'a hidden paper stays out of search');
    const gnn = found.papers.find((p) => p.id === '2601.00001')!;
    assert.equal(gnn.summary, 'We learn molecular properties with graph neural networks, e.g. solubility.');
    assert.equal(gnn.authors, 'Ada Lovelace, Alan Turing, Grace Hopper et al.');
    assert.equal(gnn.url, `${BASE_URL}/papers/2601.00001`);
    assert.equal(gnn.arxiv, 'https://arxiv.org/abs/2601.00001');
    const filtered = json<{ papers: Brief[] }>(await call(client, 'search_papers', { query: 'graph', category: 'cs.RO' }));
    assert.deepEqual(filtered.papers, [], 'no graph paper is in cs.RO');
    // Hostile text is only text: the query parser builds the index expression, nothing reaches SQL.
    const hostile = await call(client, 'search_papers', { query: `graph" OR 1=1; DROP TABLE papers; -- NEAR( *` });
    assert.ok(!hostile.isError, text(hostile));
    assert.ok(json<{ papers: Brief[] }>(await call(client, 'search_papers', { query: 'robot grasping' })).papers.some((p) => p.id === '2512.00001'));
    await client.close();
  });

  it('lists a day, a week or the latest day, sorted as asked', async () => {
    const client = await transport.connect(null);
    const latest = json<{ period: { key: string }; papers: (Brief & { upvotes: number })[] }>(await call(client, 'daily_papers', { sort: 'trending' }));
    assert.equal(latest.period.key, '2026-01-02');
    assert.equal(latest.papers[0]!.id, '2601.00002', 'the voted paper trends first');
    assert.equal(latest.papers[0]!.upvotes, 1);
    assert.ok(!latest.papers.some((p) => p.id === HIDDEN));
    const week = json<{ period: { kind: string; key: string }; total: number }>(await call(client, 'daily_papers', { week: '2026-W01' }));
    assert.deepEqual([week.period.kind, week.period.key, week.total], ['week', '2026-W01', 4]);
    const day = json<{ papers: Brief[] }>(await call(client, 'daily_papers', { date: '2025-12-29', limit: 1 }));
    assert.deepEqual(day.papers.map((p) => p.id), ['2512.00001']);
    await client.close();
  });

  it('gives a paper as the same Markdown as /papers/{id}.md, and similar papers', async () => {
    const client = await transport.connect(null);
    const db = transport.fixture().t.db;
    assert.equal(text(await call(client, 'get_paper', { paper_id: '2601.00001' })), await paperMarkdownById(db, BASE_URL, '2601.00001'));
    assert.equal(text(await call(client, 'get_paper', { paper_id: 'https://arxiv.org/abs/hep-th/9901001v2' })), await paperMarkdownById(db, BASE_URL, 'hep-th/9901001'));
    const similar = json<{ paper_id: string; papers: Brief[] }>(await call(client, 'similar_papers', { paper_id: '2601.00001', limit: 3 }));
    assert.equal(similar.paper_id, '2601.00001');
    assert.ok(similar.papers.length > 0 && !similar.papers.some((p) => p.id === '2601.00001' || p.id === HIDDEN), JSON.stringify(similar));
    await client.close();
  });

  it('names the argument at fault, and the paper that is not there', async () => {
    const client = await transport.connect(null);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['search_papers', {}, /query/],
      ['search_papers', { query: '   ' }, /must not be empty.*query/s],
      ['search_papers', { query: 'x', limit: 500 }, /must be at most 50.*limit/s],
      ['search_papers', { query: 'x', mode: 'fuzzy' }, /mode/],
      ['search_papers', { query: 'x', category: 'not a category' }, /arXiv category.*category/s],
      ['search_papers', { query: 'x', after: 'yesterday' }, /must be a date.*after/s],
      ['daily_papers', { date: '2026-02-30' }, /must be a date.*date/s],
      ['daily_papers', { date: '2026-01-02', week: '2026-W01' }, /give only one of date, week and month.*week/s],
      ['get_paper', { paper_id: "1; DROP TABLE papers" }, /must be an arXiv id.*paper_id/s],
      ['get_paper', { paper_id: 42 }, /must be a string.*paper_id/s],
      ['get_paper', { paper_id: '2601.99999' }, /^paper_id: arXiv:2601\.99999 is not in this catalog\.$/],
      ['similar_papers', { paper_id: '2601.99999' }, /^paper_id: arXiv:2601\.99999 is not in this catalog\.$/],
    ];
    for (const [tool, args, message] of cases) assert.match(refusal(await call(client, tool, args)), message, `${tool} ${JSON.stringify(args)}`);
    const papers = await transport.fixture().t.db.selectFrom('papers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(papers.n), 6, 'nothing reached the database as syntax');
    await client.close();
  });

  it('reads a paper as a resource; an unknown one is the protocol error for a missing resource', async () => {
    const client = await transport.connect(null);
    const db = transport.fixture().t.db;
    const { contents } = await client.readResource({ uri: 'paperboy://papers/2601.00001' });
    assert.deepEqual(contents, [{ uri: 'paperboy://papers/2601.00001', mimeType: 'text/markdown', text: await paperMarkdownById(db, BASE_URL, '2601.00001') }]);
    const old = await client.readResource({ uri: 'paperboy://papers/hep-th/9901001' });
    assert.match((old.contents[0] as { text: string }).text, /^# Strings on old-style ids/);
    await assert.rejects(client.readResource({ uri: 'paperboy://papers/2601.99999' }), (e: unknown) => e instanceof McpError && e.code === -32002 && /arXiv:2601\.99999 is not in this catalog/.test(e.message));
    await assert.rejects(client.readResource({ uri: 'paperboy://papers/nonsense' }), (e: unknown) => e instanceof McpError && e.code === -32602 && /id: "nonsense" is not an arXiv id/.test(e.message));
    await client.close();
  });

  it('refuses what acts as a member without a token, and with a mistyped one; reads still work', async () => {
    for (const token of [null, 'pb_not-a-real-token', `pb_${'A'.repeat(43)}`]) {
      const client = await transport.connect(token);
      for (const [tool, args] of [['for_you', {}], ['upvote', { paper_id: '2601.00001' }], ['add_to_collection', { paper_id: '2601.00001', collection: 'Later' }]] as const) {
        const message = refusal(await call(client, tool, args));
        if (token === null) assert.match(message, new RegExp(`^${tool} acts as a member and needs their personal API token`));
        else assert.equal(message, 'This API token is not valid: it is mistyped or has been revoked.');
      }
      assert.ok(!(await call(client, 'daily_papers')).isError);
      await client.close();
    }
    const votes = await transport.fixture().t.db.selectFrom('votes').selectAll().where('paper_id', '=', '2601.00001').execute();
    assert.deepEqual(votes, []);
  });

  it('with a token: lists picks, upvotes (twice is once; undo takes it back), adds to a collection by name', async () => {
    const f = transport.fixture();
    const client = await transport.connect(f.aliceToken);
    const picks = json<{ papers: (Brief & { reason: string })[] }>(await call(client, 'for_you', { limit: 5 }));
    assert.deepEqual(picks.papers.map((p) => [p.id, p.reason]), [['2601.00001', 'By Grace Hopper, whom you follow']]);

    assert.deepEqual(json(await call(client, 'upvote', { paper_id: '2601.00003' })), { paper_id: '2601.00003', voted: true, upvotes: 1 });
    assert.deepEqual(json(await call(client, 'upvote', { paper_id: 'arXiv:2601.00003v1' })), { paper_id: '2601.00003', voted: true, upvotes: 1 });
    const stats = await f.t.db.selectFrom('paper_stats').select('upvotes').where('paper_id', '=', '2601.00003').executeTakeFirstOrThrow();
    assert.equal(stats.upvotes, 1, 'the counter moved with the vote row');

    const added = json<{ added: boolean; collection: { name: string; public: boolean; url: string } }>(await call(client, 'add_to_collection', { paper_id: '2601.00003', collection: ' reading GROUP ' }));
    assert.equal(added.added, true);
    assert.deepEqual(added.collection, { ...added.collection, name: 'Reading group', public: true, url: `${BASE_URL}/u/${f.alice.username}/c/reading-group` });
    const made = json<{ added: boolean; collection: { name: string; public: boolean } }>(await call(client, 'add_to_collection', { paper_id: '2601.00001', collection: 'To read <b>later</b>' }));
    assert.deepEqual([made.added, made.collection.name, made.collection.public], [true, 'To read <b>later</b>', false]);
    assert.equal(json<{ added: boolean }>(await call(client, 'add_to_collection', { paper_id: '2601.00001', collection: 'To read <b>later</b>' })).added, false);
    assert.match(refusal(await call(client, 'add_to_collection', { paper_id: '2601.00001', collection: 'x'.repeat(101) })), /at most 100 characters.*collection/s);
    assert.match(refusal(await call(client, 'upvote', { paper_id: '2601.99999' })), /^paper_id: arXiv:2601\.99999 is not in this catalog\.$/);


    assert.deepEqual(json(await call(client, 'upvote', { paper_id: '2601.00003', undo: true })), { paper_id: '2601.00003', voted: false, upvotes: 0 });
    assert.deepEqual(json(await call(client, 'upvote', { paper_id: '2601.00003', undo: true })), { paper_id: '2601.00003', voted: false, upvotes: 0 });
    await client.close();
  });

  it('stops a revoked token at once, and refuses a suspended member as the site does', async () => {
    const f = transport.fixture();
    const client = await transport.connect(f.bobToken);
    assert.equal(json<{ voted: boolean }>(await call(client, 'upvote', { paper_id: '2601.00001' })).voted, true);
    await suspendUser(f.t.db, f.admin.id, f.bob.id, 'spam');
    assert.equal(refusal(await call(client, 'upvote', { paper_id: '2601.00003' })), 'This account is suspended.');
    assert.equal(refusal(await call(client, 'add_to_collection', { paper_id: '2601.00003', collection: 'Mine' })), 'This account is suspended.');
    assert.equal(refusal(await call(client, 'for_you')), 'This account is suspended.');
    await unsuspendUser(f.t.db, f.admin.id, f.bob.id, 'appealed');
    assert.ok(!(await call(client, 'for_you')).isError);
    const [token] = await f.t.db.selectFrom('api_tokens').select('id').where('user_id', '=', f.bob.id).execute();
    await revokeApiToken(f.t.db, f.bob.id, token!.id);
    assert.equal(refusal(await call(client, 'upvote', { paper_id: '2601.00003' })), 'This API token is not valid: it is mistyped or has been revoked.');
    assert.ok(!(await call(client, 'search_papers', { query: 'graph' })).isError, 'reads go on');
    await client.close();
  });
}
