/**
 * The PostgreSQL the tests run on: the machine's Debian cluster, started if it is down (and the
 * `postgresql` package installed when it is missing and we are root), a role of the tests' own
 * that logs in over TCP with a password, and a template database migrated once per set of
 * migrations. Each tempDb() clones the template (CREATE DATABASE ... TEMPLATE, a file copy) and
 * drops its clone at cleanup. Safe to run from several test processes and worktrees at once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/store/db.js';
import { repoRoot } from './paths.js';

export interface TestPostgres {
  /** The tests' role on the `postgres` database, for creating and dropping databases. */
  adminUrl: string;
  /** The migrated database every test database is a copy of. */
  template: string;
}

const ROLE = 'paperboy_test';
// Only for the tests' own throwaway databases on 127.0.0.1; never a deployment's.
const PASSWORD = 'paperboy-test-only';
const TEMPLATE_PREFIX = 'paperboy_tpl_';
export const CLONE_PREFIX = 'paperboy_t_';
/** A template no test run has used for this long (an old branch's migrations) is dropped. */
const UNUSED_TEMPLATE_DAYS = 7;

let prepared: Promise<TestPostgres> | null = null;

/** Everything the PostgreSQL pass needs, made once per process (or taken from the runner's environment). */
export function testPostgres(): Promise<TestPostgres> {
  const given = process.env.PAPERBOY_TEST_POSTGRES;
  if (given) return Promise.resolve(JSON.parse(given) as TestPostgres);
  prepared ??= preparePostgres();
  return prepared;
}

export async function preparePostgres(): Promise<TestPostgres> {
  const { version, port } = ensureCluster();
  const adminUrl = `postgres://${ROLE}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await ensureRole(adminUrl, version);
  const template = await ensureTemplate(adminUrl);
  await dropLeftovers(adminUrl, template);
  return { adminUrl, template };
}

/** A connection URL for another database of the same server, with the settings tests use. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  // Each commit waits for no disk flush: a test database is thrown away anyway.
  url.searchParams.set('options', '-c synchronous_commit=off');
  return url.toString();
}

/** Runs statements on the `postgres` database as the tests' role, on a connection of their own. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(adminUrl: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** What the start-up check asks of a database (src/store/postgres.ts): UTF-8, text compared byte by byte. */
const AS_PAPERBOY_NEEDS = "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'";

let blanks = 0;

/**
 * A database of its own with nothing in it, not even the migrations (not a copy of the template),
 * made as docs/operations.md tells an operator to make Paperboy's; `drop()` removes it.
 */
export async function blankDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const { adminUrl } = await testPostgres();
  const name = `${CLONE_PREFIX}${process.pid}_blank_${++blanks}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} ${AS_PAPERBOY_NEEDS}`);
  return {
    name,
    url: databaseUrl(adminUrl, name),
    // FORCE: a process a test started (and killed) may still hold a connection.
    drop: () => dropDatabase(adminUrl, name),
  };
}

/**
 * Drops a test database, ending the connections a test's processes may still hold (FORCE). An
 * autovacuum worker busy in it makes PostgreSQL 15 refuse (42501: FORCE may not end a process
 * without a role); it stops on its own within moments, so the drop is tried again.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ---- The cluster

interface Cluster {
  version: string;
  port: number;
}

function ensureCluster(): Cluster {
  const isRoot = process.getuid?.() === 0;
  if (!installedVersion()) {
    if (!isRoot) fail('PostgreSQL is not installed: install the Debian package `postgresql` (sudo apt-get install postgresql), then run the tests again.');
    process.stderr.write('test set-up: installing the Debian package postgresql\n');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'postgresql'], { DEBIAN_FRONTEND: 'noninteractive' });
  }
  const version = installedVersion();
  if (!version) fail('the postgresql package is installed but /etc/postgresql holds no cluster: create one with `pg_createcluster <version> main`.');
  let cluster = listCluster(version);
  if (!cluster) fail(`PostgreSQL ${version} has no cluster named main: create it with \`pg_createcluster ${version} main\`.`);
  if (!cluster.online) {
    const start = ['--skip-systemctl-redirect', version, 'main', 'start'];
    if (!isRoot) fail(`the PostgreSQL ${version} cluster is down: start it with \`sudo pg_ctlcluster ${start.join(' ')}\`.`);
    process.stderr.write(`test set-up: starting the PostgreSQL ${version} cluster\n`);
    run('pg_ctlcluster', start);
    cluster = listCluster(version);
    if (!cluster?.online) fail(`the PostgreSQL ${version} cluster did not start: see /var/log/postgresql/postgresql-${version}-main.log`);
  }
  return { version, port: cluster.port };
}

/** The newest PostgreSQL with a configuration folder, as Debian lays them out: /etc/postgresql/<version>. */
function installedVersion(): string | null {
  if (!fs.existsSync('/etc/postgresql') || !commandExists('pg_lsclusters')) return null;
  const versions = fs.readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions[0] ?? null;
}

function listCluster(version: string): { port: number; online: boolean } | null {
  const out = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [ver, name, port, status] = line.trim().split(/\s+/);
    if (ver === version && name === 'main') return { port: Number(port), online: status === 'online' };
  }
  return null;
}

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[], env: Record<string, string> = {}): void {
  // Its output goes to stderr: stdout may be a channel of the caller's (a benchmark's child answers there).
  const result = spawnSync(command, args, { stdio: ['ignore', process.stderr.fd, 'inherit'], env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
}

function fail(message: string): never {
  throw new Error(`PostgreSQL for the tests: ${message}`);
}

// ---- The role

/** The role logs in with its password over TCP (pg_hba's scram-sha-256); made through the postgres superuser's peer login. */
async function ensureRole(adminUrl: string, version: string): Promise<void> {
  try {
    await adminQuery(adminUrl, 'SELECT 1');
    return;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 28P01: wrong password; 28000: no such role. Anything else (the server refusing connections) is not ours to fix.
    if (code !== '28P01' && code !== '28000') throw error;
  }
  if (process.getuid?.() !== 0) {
    fail(`the role ${ROLE} is missing: create it with \`sudo -u postgres psql -c "CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'"\`.`);
  }
  const statement = `DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} LOGIN CREATEDB; END IF;
    ALTER ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
  END $$`;
  const result = spawnSync('su', ['postgres', '-c', `psql -X -q -v ON_ERROR_STOP=1 -p ${new URL(adminUrl).port}`], {
    input: statement,
    encoding: 'utf8',
  });
  if (result.status !== 0) fail(`could not create the role ${ROLE} (PostgreSQL ${version}): ${result.stderr.trim()}`);
  await adminQuery(adminUrl, 'SELECT 1');
}

// ---- The template

/** Named after the migrations it holds, so a changed migration makes a new template rather than using a stale one. */
function templateName(): string {
  const hash = crypto.createHash('sha256');
  const folder = path.join(repoRoot, 'src/store/migrations');
  for (const file of fs.readdirSync(folder).sort()) hash.update(file).update(fs.readFileSync(path.join(folder, file)));
  hash.update(fs.readFileSync(path.join(repoRoot, 'src/store/migrate.ts')));
  return `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 12)}`;
}

async function ensureTemplate(adminUrl: string): Promise<string> {
  const template = templateName();
  const exists = await adminQuery(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [template]);
  if (exists.length === 0) {
    // Built under a name of its own, then renamed: another test run building the same template
    // at the same time wins or loses the rename, and nobody ever clones a half-migrated one.
    const building = `${template}_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(building)} ${AS_PAPERBOY_NEEDS}`);
    try {
      const db = await openDatabase({ kind: 'postgres', url: databaseUrl(adminUrl, building) });
      await db.destroy();
      await adminQuery(adminUrl, `ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
    } catch (error) {
      await dropDatabase(adminUrl, building);
      if ((error as { code?: string }).code !== '42P04') throw error; // 42P04: built by another run meanwhile
    }
  }
  await adminQuery(adminUrl, `COMMENT ON DATABASE ${quoteIdent(template)} IS ${pg.escapeLiteral(`paperboy test template, last used ${new Date().toISOString()}`)}`);
  return template;
}

/** Test databases of test processes that died before their cleanup, and templates nobody has used for a week. */
async function dropLeftovers(adminUrl: string, template: string): Promise<void> {
  const rows = await adminQuery<{ name: string; comment: string | null }>(
    adminUrl,
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database
     WHERE datname LIKE 'paperboy\\_t%' AND pg_get_userbyid(datdba) = $1`,
    [ROLE],
  );
  const weekAgo = Date.now() - UNUSED_TEMPLATE_DAYS * 86_400_000;
  for (const { name, comment } of rows) {
    let stale = false;
    if (name.startsWith(CLONE_PREFIX)) {
      const pid = Number(/^paperboy_t_(\d+)_/.exec(name)?.[1]);
      stale = Number.isInteger(pid) && !processAlive(pid);
    } else if (name.startsWith(TEMPLATE_PREFIX) && name !== template) {
      const used = /last used (\S+)$/.exec(comment ?? '')?.[1];
      // A template still being built has no comment yet and a name with a live pid in it.
      const builder = Number(/_(\d+)_[0-9a-f]{6}$/.exec(name)?.[1]);
      stale = used ? Date.parse(used) < weekAgo : Number.isInteger(builder) && !processAlive(builder);
    }
    if (stale) await dropDatabase(adminUrl, name).catch(() => {});
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
