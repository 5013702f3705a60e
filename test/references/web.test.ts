import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { addToCollection, createCollection, getCollection } from '../../src/community/collections.js';
import { hidePaper } from '../../src/community/moderation.js';
import type { User } from '../../src/community/users.js';
import { MAX_LIBRARY_BYTES } from '../../src/references/parse.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';
import { library, storeCited } from './catalog.js';

describe('export and import on the site', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let ada: User;
  let grace: User;
  let admin: User;
  before(async () => {
    t = await tempDb();
    await storeCited(t.db);
    await upsertPapers(t.db, [
      makePaper({ id: '2401.00001', title: 'Sparse attention for long documents', authors: ['Ada Lovelace'], day: '2024-01-02' }),
      makePaper({ id: '2401.00002', title: 'Hidden sparse attention', authors: ['Ada Lovelace'], day: '2024-01-02' }),
    ]);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    admin = await makeAdmin(t.db, 'Moderator');
    await hidePaper(t.db, admin.id, '2401.00002', 'spam');
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('serves a paper as BibTeX, RIS and CSL-JSON, with their media types and a file name', async () => {
    const visitor = new Client(app);
    const bib = await visitor.get('/papers/1401.2910.bib');
    assert.equal(bib.statusCode, 200);
    assert.equal(bib.headers['content-type'], 'application/x-bibtex; charset=utf-8');
    assert.equal(bib.headers['content-disposition'], 'attachment; filename="1401.2910.bib"');
    const [entry] = parseBibtex(bib.body).entries;
    assert.deepEqual([entry!.key, entry!.fields.eprint, entry!.fields.doi], ['ronnow2024defining', '1401.2910', '10.1126/science.1252319']);
    assert.equal((await visitor.get('/papers/1401.2910.bib')).body, bib.body, 'the same again (from the cache)');
    const ris = await visitor.get('/papers/1401.2910.ris');
    assert.equal(ris.headers['content-type'], 'application/x-research-info-systems; charset=utf-8');
    assert.match(ris.body, /^TY {2}- GEN\r\n/);
    const json = await visitor.get('/papers/1401.2910.json');
    assert.equal(json.headers['content-type'], 'application/vnd.citationstyles.csl+json; charset=utf-8');
    assert.equal((JSON.parse(json.body) as { number: string }[])[0]!.number, 'arXiv:1401.2910');
    assert.equal((await visitor.get('/papers/9999.99999.bib')).statusCode, 404);
    assert.equal((await visitor.get('/papers/not-an-id.bib')).statusCode, 404);
    // The page links to them.
    assert.match((await visitor.get('/papers/1401.2910')).body, /Cite: <a href="\/papers\/1401\.2910\.bib" download>BibTeX<\/a>/);
  });

  it('exports a public collection to anyone but a private one only to its owner, without hidden papers', async () => {
    const open = await createCollection(t.db, ada.id, { name: 'Reading group', isPublic: true });
    const closed = await createCollection(t.db, ada.id, { name: 'Secret', isPublic: false });
    for (const id of ['2401.00001', '2401.00002']) await addToCollection(t.db, ada.id, open.id, id);
    await addToCollection(t.db, ada.id, closed.id, '2401.00001');
    const visitor = new Client(app);
    const pub = await visitor.get(`/collections/${open.id}.bib`);
    assert.equal(pub.statusCode, 200);
    assert.equal(pub.headers['content-disposition'], `attachment; filename="${ada.username.replace(/[^A-Za-z0-9-]+/g, '-')}-reading-group.bib"`);
    assert.deepEqual(parseBibtex(pub.body).entries.map((e) => e.fields.eprint), ['2401.00001'], 'the hidden paper is left out');
    assert.equal((await visitor.get(`/collections/${closed.id}.ris`)).statusCode, 404);
    const stranger = new Client(app);
    await stranger.signIn(grace.email);
    assert.equal((await stranger.get(`/collections/${closed.id}.json`)).statusCode, 404);
    const owner = new Client(app);
    await owner.signIn(ada.email);
    const mine = await owner.get(`/collections/${closed.id}.json`);
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.headers['cache-control'], 'private, no-store');
    // Hidden papers leave every list, the owner's own collection too (store/visibility.ts).
    assert.equal((await owner.get(`/collections/${open.id}.bib`)).body.match(/@misc\{/g)?.length, 1, "the owner's export leaves the hidden paper out too");
    assert.equal((await visitor.get(`/collections/${open.id}.pdf`)).statusCode, 404);
    assert.match((await visitor.get(`/u/${ada.username}/c/reading-group`)).body, new RegExp(`Export: <a href="/collections/${open.id}\\.bib" download>`));
  });

  it('exports a search result page, without hidden papers', async () => {
    const visitor = new Client(app);
    const res = await visitor.get('/search.bib?q=sparse+attention&mode=keyword');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="search.bib"');
    assert.deepEqual(parseBibtex(res.body).entries.map((e) => e.fields.eprint), ['2401.00001']);
    assert.equal((await visitor.get('/search.json?q=')).body, '[]\n');
    assert.match((await visitor.get('/search?q=sparse+attention&mode=keyword')).body, /href="\/search\.ris\?q=sparse\+attention&amp;mode=keyword"/);
  });

  it('imports an uploaded library into the member’s collection and reports each entry', async () => {
    const collection = await createCollection(t.db, ada.id, { name: 'From Zotero' });
    const owner = new Client(app);
    await owner.signIn(ada.email);
    const page = await owner.get(`/u/${ada.username}/c/from-zotero`);
    assert.match(page.body, /enctype="multipart\/form-data"/);
    const damaged = `${library('zotero-bbt-export-arxiv-3-entries.bibtex.bib')}\n@article{broken, title = {never closed,\n`;
    const res = await owner.postFile(`/collections/${collection.id}/import`, { name: 'My Library.bib', content: damaged });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /4 entries read from the BibTeX file: 3 papers added, 0 already in the collection, 0 not found in this catalog, 1 that could not be read/);
    assert.match(res.body, /@article\{broken\} \(line 54\)<\/strong>: This entry is not valid BibTeX/);
    assert.deepEqual((await getCollection(t.db, ada.id, collection.id)).items.map((i) => i.paper.id).sort(), ['1305.4904', '1401.2910', '1508.05387']);

    // A Latin-1 file, as older JabRef versions save them: its accents read as written.
    const latin1 = Buffer.from('@article{x, title = {Étude comparée de quatre logiciels}, doi = {10.9999/latin}}\n', 'latin1');
    assert.match((await owner.postFile(`/collections/${collection.id}/import`, { name: 'old.bib', content: latin1 })).body, /“Étude comparée de quatre logiciels”/);

    const csl = await owner.postFile(`/collections/${collection.id}/import`, { name: 'lib.json', content: library('zotero-bbt-export-4-entries.csl.json') });
    assert.match(csl.body, /item 2 \(Berndt1994\)<\/strong> “Skizze zur Auslegungsgeschichte der Bücher &lt;i&gt;Prouerbia&lt;\/i&gt;/, 'titles are escaped');
  });

  it('refuses uploads without the form token, from others, of no library, and past the size limit', async () => {
    const collection = await createCollection(t.db, ada.id, { name: 'Guarded' });
    const owner = new Client(app);
    await owner.signIn(ada.email);
    await owner.get(`/u/${ada.username}/c/guarded`);
    const file = { name: 'lib.bib', content: library('zotero-bbt-export-arxiv-preprint-2206.07690.bib') };
    assert.equal((await owner.postFile(`/collections/${collection.id}/import`, file, { withToken: false })).statusCode, 403);
    const stranger = new Client(app);
    await stranger.signIn(grace.email);
    await stranger.get('/');
    assert.equal((await stranger.postFile(`/collections/${collection.id}/import`, file)).statusCode, 404);
    const visitor = new Client(app);
    await visitor.get('/signin');
    assert.equal((await visitor.postFile(`/collections/${collection.id}/import`, file)).statusCode, 303);
    const notLibrary = await owner.postFile(`/collections/${collection.id}/import`, { name: 'notes.txt', content: 'Dear Ada, the papers.' });
    assert.equal(notLibrary.statusCode, 400);
    assert.match(notLibrary.body, /This file is not BibTeX, RIS or CSL-JSON/);
    const huge = await owner.postFile(`/collections/${collection.id}/import`, { name: 'big.bib', content: Buffer.alloc(MAX_LIBRARY_BYTES + 1, 0x20) });
    assert.equal(huge.statusCode, 413);
    assert.deepEqual((await getCollection(t.db, ada.id, collection.id)).items, []);
  });

  it('takes at most 20 uploads an hour from one member', async () => {
    const lin = await makeMember(t.db, 'Lin');
    const collection = await createCollection(t.db, lin.id, { name: 'Busy' });
    const member = new Client(app);
    await member.signIn(lin.email);
    await member.get(`/u/${lin.username}/c/busy`);
    const file = { name: 'lib.bib', content: library('zotero-bbt-export-arxiv-preprint-2206.07690.bib') };
    for (let i = 0; i < 20; i++) assert.equal((await member.postFile(`/collections/${collection.id}/import`, file)).statusCode, 200);
    assert.equal((await member.postFile(`/collections/${collection.id}/import`, file)).statusCode, 429);
  });
});
