// Rebuilds demo/arxiv-demo.jsonl.gz: the papers of the last listing days of the shared 143k sample
// (CC0 arXiv metadata), kept line for line. Run: npx tsx scripts/make-demo-catalog.ts [FROM_DAY]
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

const source = '../shared/data/arxiv-cs-143k.jsonl.gz';
const target = 'demo/arxiv-demo.jsonl.gz';
const fromDay = process.argv[2] ?? '2026-06-15';

async function* selected(): AsyncGenerator<string> {
  const lines = readline.createInterface({ input: fs.createReadStream(source).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    const record = JSON.parse(line) as { listing_date?: string };
    if ((record.listing_date ?? '') >= fromDay) yield `${line}\n`;
  }
}

await pipeline(Readable.from(selected()), zlib.createGzip({ level: 9 }), fs.createWriteStream(target));
console.log(`wrote ${target}`);
