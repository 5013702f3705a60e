/**
 * The OpenAPI 3.1 description of the API and feeds, served at `/api/openapi.json`, and the
 * readable page at `/api` made from it (so the two never disagree). Query parameters, the request
 * body and the response shapes are made from the zod schemas the routes validate with and the
 * presenters answer with, so a limit or a default is written once. The contract tests check every
 * response of every route against this description (test/api/openapi.test.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { feedSearchParameters } from '../feeds/routes.js';
import { html, type Html } from '../../html.js';
import { page } from '../layout.js';
import { searchApiParameters } from '../search-routes.js';
import { LIMITS } from '../security.js';
import { groupDetailSchema, groupSummarySchema } from './groups.js';
import { apiErrorSchema, sendJsonCached } from './http.js';
import { authorSchema, dailyPaperSchema, paperDetailSchema, paperSchema, submitterSchema } from './present.js';
import { dailyPapersParameters, indexBody } from './routes.js';

type Json = Record<string, unknown>;

/** The shapes the paths refer to, by their names under `components.schemas`. */
const RESPONSE_SHAPES = {
  Author: authorSchema,
  Submitter: submitterSchema,
  Paper: paperSchema,
  DailyPaper: dailyPaperSchema,
  PaperDetail: paperDetailSchema,
  GroupSummary: groupSummarySchema,
  GroupDetail: groupDetailSchema,
  Error: apiErrorSchema,
};

/**
 * A zod schema as JSON Schema. `output` describes what a route answers, and a parameter as the
 * route reads it (an integer with its default, not the string of the query); `input` a request
 * body, which may carry fields the route ignores.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, override: asPublished }) as Json;
  return json;
}

/**
 * Every `int()` carries the bounds of a safe integer, which say nothing to a reader. And zod
 * closes every object it answers with (`additionalProperties: false`): the description promises
 * the fields it names, not that no field will ever be added, so clients stay open to new ones.
 * (The contract test closes them again, so a field the description does not name still fails it.)
 */
function asPublished({ jsonSchema: json }: { jsonSchema: Json }): void {
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  if (json.additionalProperties === false) delete json.additionalProperties;
}

/** The components, each referring to the others by `#/components/schemas/<name>`. */
function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_SHAPES)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, override: asPublished });
  const out: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _, $id: __, ...json } = schema as Json;
    out[id] = json;
  }
  return { ...out, IndexRequest: jsonSchema(indexBody, 'input') };
}

/** The query parameters of a route, from the schema it checks them with; description and example come from each one's `meta`. */
function queryParameters(schema: z.ZodObject): Json[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, example, ...json } = jsonSchema(field as z.ZodType, 'output');
    const required = !(field as z.ZodType).safeParse(undefined).success;
    return { name, in: 'query', ...(required ? { required } : {}), ...(description === undefined ? {} : { description }), schema: json, ...(example === undefined ? {} : { example }) };
  });
}

const errorResponse = (description: string, headers: Json = {}) => ({
  description,
  ...(Object.keys(headers).length > 0 ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const rateLimited = errorResponse('Too many requests. Wait the seconds `Retry-After` says, then try again.', {
  'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
});

const listHeaders = {
  ETag: { description: 'Send it back in `If-None-Match` to get `304 Not Modified` while the list is unchanged.', schema: { type: 'string' } },
};

const slugParameter = { name: 'slug', in: 'path', required: true, description: "The group's short name, as in `/groups/<slug>`.", schema: { type: 'string' } };
const tokenParameter = { name: 'token', in: 'query', description: "A member's personal token, for a private group (it is in the addresses on the group's page).", schema: { type: 'string' } };

const notModified = { description: 'Not modified: the `If-None-Match` tag is still current.' };
const fetchingSchema = {
  type: 'object',
  required: ['arxivId', 'status'],
  additionalProperties: false,
  properties: { arxivId: { type: 'string', description: 'The paper being fetched.' }, status: { type: 'string', enum: ['fetching'] } },
};

const feedFormat = { name: 'format', in: 'path', required: true, description: '`rss` (RSS 2.0) or `atom` (Atom 1.0).', schema: { type: 'string', enum: ['rss', 'atom'] } };

function feed(summary: string, description: string, parameters: Json[] = [], notFound = 'A format other than `rss` or `atom`.'): Json {
  const takesQuery = parameters.some((p) => p.in === 'query' && p.name !== 'token');
  return {
    get: {
      tags: ['Feeds'],
      summary,
      description,
      parameters: [...parameters, feedFormat],
      responses: {
        '200': {
          description: 'The feed. Item ids are the papers\' arXiv addresses and never change, so a reader shows each paper once.',
          headers: listHeaders,
          content: { 'application/rss+xml': { schema: { type: 'string' } }, 'application/atom+xml': { schema: { type: 'string' } } },
        },
        '304': notModified,
        ...(takesQuery ? { '400': errorResponse('A parameter is wrong; `parameter` names it.') } : {}),
        '404': errorResponse(notFound),
        '429': rateLimited,
      },
    },
  };
}

/** The description, with `baseUrl` as its server. */
export function openApiDocument(baseUrl: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paperboy API',
      version: '1.0.0',
      summary: 'Daily arXiv papers, upvoted and discussed by a community.',
      description:
        'The routes, parameters and field names are those of the public daily-papers API, so a script written for it works here by changing only the base URL. ' +
        'Errors are JSON: `{"status": 400, "error": "Bad Request", "message": "limit: must be at most 100", "parameter": "limit"}`. ' +
        'Unknown parameters are ignored. Reads are limited per address, to 300 a minute on each route, and answer `429` with `Retry-After` past that. ' +
        'Read-only routes allow any origin (CORS). Lists carry an `ETag`; send it back in `If-None-Match` to get `304` while nothing changed.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: baseUrl }],
    tags: [
      { name: 'Papers', description: 'Daily lists, single papers, search and submissions.' },
      { name: 'Groups', description: 'Groups, their members, queue and sessions. A private group answers only to its members.' },
      { name: 'Feeds', description: 'RSS 2.0 and Atom feeds for every list on the site, and groups\' calendars.' },
      { name: 'Meta', description: 'This description.' },
    ],
    paths: {
      '/api/daily_papers': {
        get: {
          tags: ['Papers'],
          operationId: 'listDailyPapers',
          summary: 'Papers of a day, week or month',
          description:
            'The featured papers (members\' submissions and moderators\' picks) of a day (`date`), an ISO week (`week`) or a month (`month`), as the public API lists them, or every paper of it with `list=all`; with none of them, the latest day that has papers. ' +
            'With `submitter` alone, every paper that member submitted. Give at most one of `date`, `week` and `month`. A page past the end is an empty list.',
          parameters: queryParameters(dailyPapersParameters),
          responses: {
            '200': {
              description: 'One page of the list.',
              headers: { ...listHeaders, 'X-Total-Count': { description: 'Papers in the whole list, over all pages.', schema: { type: 'integer' } } },
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/DailyPaper' } } } },
            },
            '304': notModified,
            '400': errorResponse('A parameter is wrong; `parameter` names it.'),
            '429': rateLimited,
          },
        },
      },
      '/api/papers/{id}': {
        get: {
          tags: ['Papers'],
          operationId: 'getPaper',
          summary: 'One paper',
          description: 'One paper of the catalog, with its counters and catalog details. Old-style ids keep their slash: `/api/papers/hep-th/9901001`.',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'An arXiv id, with or without version.', schema: { type: 'string' }, example: '2401.12345' }],
          responses: {
            '200': { description: 'The paper.', headers: listHeaders, content: { 'application/json': { schema: { $ref: '#/components/schemas/PaperDetail' } } } },
            '304': notModified,
            '400': errorResponse('Not an arXiv id.'),
            '404': errorResponse('Not in this catalog (members can submit it).'),
            '429': rateLimited,
          },
        },
      },
      '/api/papers/search': {
        get: {
          tags: ['Papers'],
          operationId: 'searchPapers',
          summary: 'Search',
          description: 'Keyword, semantic or hybrid search over titles, authors and abstracts. The query takes the site\'s syntax: `"a phrase"`, `learn*`, `-word`, `cat:cs.CL`, `author:"Name"`, `after:2025-01-01`.',
          parameters: queryParameters(searchApiParameters),
          responses: {
            '200': { description: 'The best matches first.', headers: listHeaders, content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/DailyPaper' } } } } },
            '304': notModified,
            '400': errorResponse('A parameter is wrong; `parameter` names it.'),
            '429': rateLimited,
          },
        },
      },
      '/api/papers/index': {
        post: {
          tags: ['Papers'],
          operationId: 'submitPaper',
          summary: 'Submit a paper',
          description:
            "Puts a paper on today's page, as the submit form does; a paper not yet in the catalog is fetched from arXiv, " +
            'and when arXiv takes longer than a few seconds the answer is `202` while the fetch goes on. ' +
            'Needs a personal API token (made and revoked on your profile page). A member may submit 10 papers a day.',
          security: [{ token: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/IndexRequest' } } } },
          responses: {
            '201': { description: 'Submitted.', content: { 'application/json': { schema: { $ref: '#/components/schemas/DailyPaper' } } } },
            '202': {
              description: 'arXiv is slow to answer: the paper is being fetched, and is submitted once it is here (`Location` is where it will be). If it never appears, arXiv has no such paper or could not be reached; submit it again later.',
              content: { 'application/json': { schema: fetchingSchema } },
            },
            '400': errorResponse('`arxivId` is missing or not an arXiv id, or the body is not JSON.'),
            '401': errorResponse('No token, or one that is mistyped or revoked.'),
            '403': errorResponse('The account is suspended or its email address is not confirmed.'),
            '404': errorResponse('arXiv has no such paper.'),
            '409': errorResponse('Already submitted; `paperId` names it.'),
            '429': rateLimited,
            '503': errorResponse('arXiv could not be reached; try again later.'),
          },
        },
      },
      '/papers/{id}.md': {
        get: {
          tags: ['Papers'],
          operationId: 'getPaperMarkdown',
          summary: 'A paper page as Markdown',
          description: 'The paper page (details, abstract, discussion) as CommonMark. Text from the paper and from members is escaped, so it renders as written.',
          parameters: [{ name: 'id', in: 'path', required: true, description: 'An arXiv id.', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The page.', content: { 'text/markdown': { schema: { type: 'string' } } } },
            '404': { description: 'Not an arXiv id, or not in this catalog.', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/feeds/daily.{format}': feed('The daily page', 'The latest day\'s papers, ranked by trending (at most 100).'),
      '/feeds/trending.{format}': feed('Trending', 'The trending list: papers of the last week ranked by votes and age (at most 100).'),
      '/feeds/categories/{category}.{format}': feed('A category', 'The newest papers in an arXiv category (at most 100).', [
        { name: 'category', in: 'path', required: true, description: 'An arXiv category such as `cs.CL`.', schema: { type: 'string' } },
      ], 'Not an arXiv category, or a format other than `rss` or `atom`.'),
      '/feeds/authors/{name}.{format}': feed('An author', "An author's newest papers (at most 100).", [
        { name: 'name', in: 'path', required: true, description: 'The name as on the author page (`/authors/<name>`).', schema: { type: 'string' } },
      ]),
      '/feeds/search.{format}': feed('A search', 'Papers matching a search, from the last 30 days of the catalog, newest first (at most 100). Any search can be followed this way.', queryParameters(feedSearchParameters)),
      '/feeds/collections/{username}/{slug}.{format}': feed('A public collection', 'The papers of a public collection, newest addition first.', [
        { name: 'username', in: 'path', required: true, description: "The owner's handle.", schema: { type: 'string' } },
        { name: 'slug', in: 'path', required: true, description: 'The collection, as in its address.', schema: { type: 'string' } },
      ], 'No public collection there (a private one is not found either), or a format other than `rss` or `atom`.'),
      '/api/groups': {
        get: {
          tags: ['Groups'],
          operationId: 'listGroups',
          summary: 'Groups',
          description: 'The public groups by name; with a personal API token, the private groups its member belongs to as well.',
          security: [{}, { token: [] }],
          responses: {
            '200': { description: 'The groups.', headers: listHeaders, content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/GroupSummary' } } } } },
            '304': notModified,
            '401': errorResponse('A token was sent, and it is mistyped or revoked.'),
            '429': rateLimited,
          },
        },
      },
      '/api/groups/{slug}': {
        get: {
          tags: ['Groups'],
          operationId: 'getGroup',
          summary: 'One group',
          description: 'A group with its members, its queue (most group votes first) and its sessions. A private group needs the personal API token of one of its members.',
          security: [{}, { token: [] }],
          parameters: [slugParameter],
          responses: {
            '200': { description: 'The group.', headers: listHeaders, content: { 'application/json': { schema: { $ref: '#/components/schemas/GroupDetail' } } } },
            '304': notModified,
            '401': errorResponse('A token was sent, and it is mistyped or revoked.'),
            '404': errorResponse('No group there; or a private one, and no token of one of its members.'),
            '429': rateLimited,
          },
        },
      },
      '/feeds/groups/{slug}.{format}': feed(
        "A group's queue",
        "The papers of a group's queue, newest addition first (at most 100). A private group's feed needs the personal address its members find on its page.",
        [slugParameter, tokenParameter],
        'No group there (a private one without a member\'s token is not found either), or a format other than `rss` or `atom`.',
      ),
      '/groups/{slug}/sessions.ics': {
        get: {
          tags: ['Feeds'],
          operationId: 'getGroupCalendar',
          summary: "A group's calendar",
          description: 'The sessions of a group (upcoming ones, and those of the last 180 days) as iCalendar, for calendar programs to subscribe to. Times are in UTC. A private group\'s needs the personal address its members find on its page.',
          parameters: [slugParameter, tokenParameter],
          responses: {
            '200': { description: 'The calendar.', headers: listHeaders, content: { 'text/calendar': { schema: { type: 'string' } } } },
            '304': notModified,
            '404': { description: 'No group there; or a private one, and no token of one of its members.', content: { 'text/html': { schema: { type: 'string' } } } },
            '429': { description: 'Too many requests.', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
      },
      '/api/openapi.json': {
        get: {
          tags: ['Meta'],
          operationId: 'getOpenApi',
          summary: 'This description',
          responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } }, '304': notModified },
        },
      },
    },
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'A personal API token, `pb_…`, made on your profile page. Only its hash is stored; revoke it there.' },
      },
      schemas: componentSchemas(),
    },
  };
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Json }[];
  responses?: Record<string, { description: string }>;
  security?: unknown[];
}

/** `/api/openapi.json` and the page `/api` that shows it; the description is made once, at start. */
export function registerOpenApiRoutes(app: FastifyInstance, baseUrl: string): void {
  const doc = openApiDocument(baseUrl);
  const docs = apiPage(doc).value;
  app.get('/api/openapi.json', { config: { rateLimit: LIMITS.api } }, async (request, reply) => sendJsonCached(request, reply, doc));
  app.get('/api', async (_request, reply) => reply.type('text/html; charset=utf-8').send(docs));
}

/** The API page: the OpenAPI description, readable. */
export function apiPage(doc: Json): Html {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const info = doc.info as { description: string };
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const section = (title: string, id: string, ops: typeof operations) => html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${ops.map(operation)}</section>`;
  const body = html`<section class="api-docs">
<h1>API and feeds</h1>
<p>${prose(info.description)}</p>
<p>The machine-readable description is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<h2 id="auth-h">Submitting from a script</h2>
<p>Reading needs no account. To submit papers, make a personal API token on your profile page and send it as <code>Authorization: Bearer &lt;token&gt;</code>. It is shown once; only its hash is kept. Revoke it there when a machine or script no longer needs it.</p>
<pre><code>curl -X POST -H "Authorization: Bearer $PAPERBOY_TOKEN" -H "Content-Type: application/json" \\
  -d '{"arxivId": "2401.12345"}' ${(doc.servers as { url: string }[])[0]?.url ?? ''}/api/papers/index</code></pre>
${section('JSON', 'json-h', operations.filter((o) => !isFeed(o.path)))}
${section('Feeds', 'feeds-h', operations.filter((o) => isFeed(o.path)))}
</section>`;
  return page({ title: 'API and feeds', body });
}

function isFeed(path: string): boolean {
  return path.startsWith('/feeds/') || path.endsWith('.ics');
}

function operation({ path, method, op }: { path: string; method: string; op: Operation }): Html {
  const parameters = op.parameters ?? [];
  return html`<article class="api-op">
<h3><code>${method.toUpperCase()} ${path}</code></h3>
<p>${op.summary ?? ''}${op.security ? (op.security.some((s) => Object.keys(s as object).length === 0) ? ' (a token shows more)' : ' (needs a token)') : ''}${op.description ? html`: ${prose(op.description)}` : ''}</p>
${parameters.length > 0
    ? html`<table><thead><tr><th scope="col">Parameter</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead><tbody>${parameters.map(
        (p) => html`<tr><td><code>${p.name}</code>${p.required ? ' (required)' : ''}</td><td>${p.in}</td><td>${schemaText(p.schema)}</td><td>${prose(p.description ?? '')}</td></tr>`,
      )}</tbody></table>`
    : ''}
<ul class="plain">${Object.entries(op.responses ?? {}).map(([status, r]) => html`<li><code>${status}</code> ${prose(r.description)}</li>`)}</ul>
</article>`;
}

/** Descriptions mark code with backticks, as Markdown does. */
function prose(text: string): Html {
  return html`${text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

function schemaText(schema: Json | undefined): string {
  if (!schema) return '';
  const parts = [Array.isArray(schema.enum) ? (schema.enum as string[]).join(' | ') : String(schema.type ?? '')];
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${String(schema.minimum ?? '')} to ${String(schema.maximum ?? '')}`);
  if (schema.maxLength !== undefined) parts.push(`up to ${String(schema.maxLength)} characters`);
  if (schema.default !== undefined) parts.push(`default ${String(schema.default)}`);
  return parts.join(', ');
}
