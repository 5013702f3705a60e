/**
 * `npm run test:postgres`: gets PostgreSQL ready once (test/support/postgres.ts), before any test
 * file runs (node's runner has no global set-up, and the files must not race to start the
 * cluster), then runs the test runner with the arguments given, on PostgreSQL.
 *
 *   tsx test/support/postgres-setup.ts [node --test arguments: files, --test-concurrency=N, ...]
 */
import { spawn } from 'node:child_process';
import { preparePostgres } from './postgres.js';

const args = process.argv.slice(2);
let prepared;
try {
  prepared = await preparePostgres();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...args], {
  stdio: 'inherit',
  env: { ...process.env, PAPERBOY_TEST_STORE: 'postgres', PAPERBOY_TEST_POSTGRES: JSON.stringify(prepared) },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
