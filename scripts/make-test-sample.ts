// Rebuilds test/fixtures/samples/arxiv-cs-3400.jsonl.gz: the first 3,400 records of the shared 143k
// arXiv sample (CC0 arXiv metadata), kept line for line, for the tests that need many real papers
// (the most: search over records 0 to 3,400; "for you" needs enough cs.CR papers among the first
// 3,000). Run: npx tsx scripts/make-test-sample.ts [SOURCE]
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

const RECORDS = 3400;
const source = process.argv[2] ?? '../shared/data/arxiv-cs-143k.jsonl.gz';
const target = `test/fixtures/samples/arxiv-cs-${RECORDS}.jsonl.gz`;

async function* firstRecords(): AsyncGenerator<string> {
  const input = fs.createReadStream(source);
  const lines = readline.createInterface({ input: input.pipe(zlib.createGunzip()), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    yield `${line}\n`;
    if (++n === RECORDS) break;
  }
  input.destroy();
  if (n < RECORDS) throw new Error(`${source} has only ${n} records, not ${RECORDS}`);
}

await pipeline(Readable.from(firstRecords()), zlib.createGzip({ level: 9 }), fs.createWriteStream(target));
console.log(`wrote ${target}`);
