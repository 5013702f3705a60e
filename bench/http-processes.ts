// npm run bench:http -- --processes [--file FILE] [--keep-sqlite FILE] [--keep-postgres NAME]
// The site served by real `paperboy serve` processes, side by side in one run: one on SQLite, one
// on PostgreSQL, and three on the same PostgreSQL database (autocannon spreading its connections
// over them, as a load balancer would). Each process loads its own vector index; each PostgreSQL
// process has a data folder of its own. Drives the home page, a paper page and the search page as
// visitors (each request from another address, the processes trusting loopback as their proxy:
// limits per address do not turn the load into 429s, and the search page's limit counts each one
// in the database), and a paper page as a signed-in member (rendered for each request), with 66
// connections for 10 s each, in two rounds (configurations taking turns page by page, so a change
// in the machine's load shows as a difference between rounds), each after one request to every
// process of the configuration (so a visitor's page is in its cache, as on a site in use). The
// load generator shares the machine's cores with the servers and the database.
//
// Both databases are loaded from FILE (default ../shared/data/arxiv-cs-143k.jsonl.gz) and the
// catalog model trained on each; --keep-sqlite FILE and --keep-postgres NAME keep them for the next
// run, which then skips the loading.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sign } from '@fastify/cookie';
import autocannon from 'autocannon';
import { Ingest } from '../src/catalog/ingest.js';
import { createSession } from '../src/community/sessions.js';
import { trainCatalogModel } from '../src/search/maintain.js';
import { readSourceFile } from '../src/sources/files.js';
import { openDatabase } from '../src/store/db.js';
import { latestDay } from '../src/store/papers.js';
import { activeModel, searchDb } from '../src/store/search-docs.js';
import { foldersIn, startServes, stop, type ServeProcess } from '../test/support/processes.js';
import { machine, openStore, type BenchStore } from './support/stores.js';

const SECRET = 'bench-http-processes-secret-0123456789';
const CONNECTIONS = 66;
const SECONDS = 10;
const ROUNDS = 2;

interface Prepared {
  store: BenchStore;
  paper: string;
  /** A member's signed session cookie on this database. */
  cookie: string;
}

export async function benchProcesses(file: string, keep: { sqlite?: string; postgres?: string }): Promise<void> {
  console.log(machine());
  const sqlite = await prepare(await openStore('sqlite', 'http', keep.sqlite), file);
  const postgres = await prepare(await openStore('postgres', 'http', keep.postgres), file);

  const dirs = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-processes-'));
  const env = { PAPERBOY_SECRET: SECRET, PAPERBOY_LOG_LEVEL: 'warn' };
  const serves: ServeProcess[] = [];
  try {
    console.log('starting 1 serve process on SQLite and 3 on PostgreSQL ...');
    // SQLite's database is the data folder's paperboy.sqlite.
    const sqliteDir = path.dirname((sqlite.store.location as { file: string }).file);
    serves.push(...(await startServes(1, env, () => sqliteDir)));
    serves.push(...(await startServes(3, { ...env, PAPERBOY_DATABASE_URL: (postgres.store.location as { url: string }).url }, foldersIn(dirs))));
    for (const serve of serves) await vectorsLoaded(serve.base);

    const configurations = [
      { name: 'SQLite, 1 process', urls: [serves[0]!.base], prepared: sqlite },
      { name: 'PostgreSQL, 1 process', urls: [serves[1]!.base], prepared: postgres },
      { name: 'PostgreSQL, 3 processes', urls: serves.slice(1).map((s) => s.base), prepared: postgres },
    ];
    const pages = [
      { name: 'home', path: () => '/', member: false },
      { name: 'paper', path: (p: Prepared) => `/papers/${p.paper}`, member: false },
      { name: 'search', path: () => '/search?q=diffusion+models+for+video', member: false },
      { name: 'paper, member', path: (p: Prepared) => `/papers/${p.paper}`, member: true },
    ];
    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each, ${ROUNDS} rounds, on ${os.cpus().length} cores (servers, database and load generator share them)`);
    console.log('page            configuration              round   requests/s   p50 ms   p99 ms   errors');
    for (let round = 1; round <= ROUNDS; round++) {
      for (const page of pages) {
        for (const configuration of configurations) {
          const pathOf = page.path(configuration.prepared);
          const headers: Record<string, string> = page.member ? { cookie: configuration.prepared.cookie } : {};
          // One request to each process first: the timed run measures pages served, not 66 visitors
          // all missing an empty cache at once.
          for (const base of configuration.urls) await fetch(base + pathOf, { headers: { ...headers, 'x-forwarded-for': '10.255.255.2' } });
          const result = await autocannon({
            // Several addresses take the connections in turn (autocannon's types know only one).
            url: configuration.urls.map((base) => base + pathOf) as unknown as string,
            connections: CONNECTIONS,
            duration: SECONDS,
            headers,
            requests: [{ setupRequest: fromAnotherVisitor }],
          });
          const errors = result.errors + result.non2xx;
          console.log(
            `${page.name.padEnd(15)} ${configuration.name.padEnd(26)} ${String(round).padStart(5)} ${String(Math.round(result.requests.average)).padStart(12)} ${String(result.latency.p50).padStart(8)} ${String(result.latency.p99).padStart(8)} ${String(errors).padStart(8)}`,
          );
        }
      }
    }
    console.log(`\n${machine()}`);
  } finally {
    await Promise.all(serves.map((s) => stop(s.child)));
    fs.rmSync(dirs, { recursive: true, force: true });
    await sqlite.store.drop();
    await postgres.store.drop();
  }
}

/** The catalog loaded and the model trained, unless a kept database has them already; a paper and a member's session. */
async function prepare(store: BenchStore & { existed: boolean }, file: string): Promise<Prepared> {
  const db = await openDatabase(store.location);
  try {
    const ready = store.existed && (await activeModel(searchDb(db))) !== null;
    if (!ready) {
      let started = performance.now();
      console.log(`${store.name}: loading ${file} ...`);
      const report = await new Ingest(db).run(readSourceFile(file));
      console.log(`${store.name}: ${report.inserted} papers in ${((performance.now() - started) / 1000).toFixed(0)} s; training the catalog model ...`);
      started = performance.now();
      await trainCatalogModel(searchDb(db));
      console.log(`${store.name}: trained and embedded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const day = (await latestDay(db))!;
    const paper = await db.selectFrom('papers').select('id').where('day', '=', day).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const member =
      (await db.selectFrom('users').select('id').where('email', '=', 'bench@example.org').executeTakeFirst()) ??
      (await db
        .insertInto('users')
        .values({ email: 'bench@example.org', username: 'bench', display_name: 'Bench', password_hash: '!', role: 'member', created_at: `${day}T00:00:00Z`, email_verified_at: `${day}T00:00:00Z` })
        .returning('id')
        .executeTakeFirstOrThrow());
    const session = await createSession(db, member.id);
    return { store, paper: paper.id, cookie: `pb_session=${sign(session.token, SECRET)}` };
  } finally {
    await db.destroy();
  }
}

/** Waits until the process answers semantic searches (it loads its vectors after it starts serving). */
async function vectorsLoaded(base: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${base}/api/papers/search?q=neural+networks&mode=semantic&limit=1`, { headers: { 'x-forwarded-for': '10.255.255.1' } });
    if (res.ok && ((await res.json()) as unknown[]).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

let visitor = 0;
/** Another visitor's address for each request: 10.x.y.z. */
function fromAnotherVisitor(request: autocannon.Request) {
  visitor++;
  return { ...request, headers: { ...request.headers, 'x-forwarded-for': `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}` } };
}

