/**
 * Reference managers: any list of papers as a BibTeX, RIS or CSL-JSON file (`/papers/<id>.bib`,
 * `/collections/<id>.ris`, `/search.json?q=...`), and a library file uploaded into a collection.
 * Who may see what is decided where the list comes from (getCollection: a private collection is
 * its owner's; visitors do not get hidden papers; search leaves hidden papers out).
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { getCollection } from '../../community/collections.js';
import { CommunityError } from '../../community/errors.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import type { Paper } from '../../papers/paper.js';
import { exportPapers, formatOfExtension, REFERENCE_FORMATS, type ReferenceFormat } from '../../references/export.js';
import { importLibrary } from '../../references/import.js';
import { MAX_LIBRARY_BYTES } from '../../references/parse.js';
import { getPaper } from '../../store/papers.js';
import type { WebDeps } from '../deps.js';
import type { PageCache } from '../page-cache.js';
import { importReportPage } from '../pages/references.js';
import { LIMITS } from '../security.js';
import { errorPage, sendHtml, viewerFor } from './catalog.js';

/** `2401.12345.bib` → the name and the format; null when the address does not end in one of ours. */
export function exportRequest(path: string): { name: string; format: ReferenceFormat } | null {
  const m = /^(.+)\.([a-z]+)$/.exec(path);
  const format = m ? formatOfExtension(m[2]!) : null;
  return m && format ? { name: m[1]!, format } : null;
}

/** Sends papers as a file to save. */
export function sendReferences(reply: FastifyReply, papers: readonly Paper[], format: ReferenceFormat, fileName: string, opts: { private?: boolean } = {}) {
  if (opts.private) reply.header('Cache-Control', 'private, no-store');
  return asFile(reply, format, fileName).send(exportPapers(papers, format));
}

/**
 * A file that is the same for every reader (one paper, a public group's queue), kept with the
 * cached pages until the next write: citation-js takes about a millisecond an entry, so a queue of
 * forty papers written for each request served a twentieth of what a paper page serves.
 */
export async function sendSharedReferences(cache: PageCache, key: string, reply: FastifyReply, format: ReferenceFormat, fileName: string, papers: () => Promise<readonly Paper[]>) {
  const cached = await cache.hit(key);
  if (cached) return asFile(reply, format, fileName).send(cached);
  const body = exportPapers(await papers(), format);
  cache.set(key, body);
  return asFile(reply, format, fileName).send(body);
}

/** The format's media type, and a file name of ASCII letters, digits, dots and hyphens (so the header needs no quoting rules). */
function asFile(reply: FastifyReply, format: ReferenceFormat, fileName: string): FastifyReply {
  const { extension, mediaType } = REFERENCE_FORMATS[format];
  const safeName = fileName.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').slice(0, 80) || 'papers';
  return reply.header('Content-Disposition', `attachment; filename="${safeName}.${extension}"`).type(mediaType);
}

/** `GET /papers/<id>.bib` (and `.ris`, `.json`): one paper, as its page shows it to anyone. */
export async function sendPaperReferences(deps: WebDeps & { cache: PageCache }, raw: string, reply: FastifyReply) {
  const wanted = exportRequest(raw)!;
  const parsed = parseArxivId(wanted.name);
  if (!parsed) return reply.code(404).type('text/plain; charset=utf-8').send(`"${wanted.name.slice(0, 80)}" is not an arXiv id.\n`);
  const cacheKey = `references/${parsed.id}.${wanted.format}`;
  const cached = await deps.cache.hit(cacheKey);
  if (cached) return asFile(reply, wanted.format, parsed.id).send(cached);
  const paper = await getPaper(deps.db, parsed.id);
  if (!paper) return reply.code(404).type('text/plain; charset=utf-8').send(`arXiv:${parsed.id} is not in this catalog.\n`);
  return sendSharedReferences(deps.cache, cacheKey, reply, wanted.format, parsed.id, async () => [paper]);
}

/** Exports are UTF-8; older JabRef and BibTeX files may be Latin-1 (`% Encoding: ISO-8859-1`), which is read as such when the bytes are not UTF-8. */
function decodeLibrary(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

export function registerReferenceRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache }): void {
  const { db, cache } = deps;

  app.get<{ Params: { file: string } }>('/collections/:file', async (request, reply) => {
    const wanted = exportRequest(request.params.file);
    const id = wanted && /^\d{1,12}$/.test(wanted.name) ? Number(wanted.name) : null;
    if (!wanted || id === null) return sendHtml(reply, errorPage(viewerFor(request, reply), 'Not found', 'There is no page at this address.'), 404);
    const { collection, items } = await getCollection(db, request.user?.id ?? null, id);
    return sendReferences(reply, items.map((i) => i.paper), wanted.format, `${collection.owner.username}-${collection.slug}`, { private: !collection.isPublic });
  });

  // The upload is the one multipart form of the site: the parser is registered for this route only.
  void app.register(async (scope) => {
    await scope.register(multipart, {
      // Fields come as plain values (the CSRF token among them) and the file as a Buffer.
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_LIBRARY_BYTES, files: 1, fields: 4, fieldSize: 1000, parts: 6, headerPairs: 100 },
    });
    scope.post<{ Params: { id: string } }>('/collections/:id/import', { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.import } }, async (request, reply) => {
      const viewer = viewerFor(request, reply);
      if (!request.user || !viewer) return reply.redirect('/signin', 303);
      const file = (request.body as Record<string, unknown> | undefined)?.file;
      if (!Buffer.isBuffer(file) || file.length === 0) throw new CommunityError('invalid', 'Choose a library file to import (BibTeX, RIS or CSL-JSON).', { field: 'file' });
      const id = Number.parseInt(request.params.id, 10);
      const report = await importLibrary(db, request.user.id, Number.isFinite(id) ? id : -1, decodeLibrary(file));
      cache.invalidate();
      const { collection } = await getCollection(db, request.user.id, id);
      return sendHtml(reply, importReportPage(collection, report, viewer));
    });
  });
}
