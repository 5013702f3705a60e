import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { normalizePaper } from '../../src/papers/normalize.js';
import { RecordError, type SourceItem } from '../../src/papers/paper.js';
import { readSourceFile } from '../../src/sources/files.js';
import { arxivSample, fixturesDir } from '../support/paths.js';
import { checkProperty } from '../support/properties.js';

/** Real records of each format the importer reads (test/fixtures: where each came from is in its README). */
function realRecords(): Record<string, string[]> {
  const jsonl = zlib.gunzipSync(fs.readFileSync(arxivSample)).toString('utf8').split('\n').slice(0, 40).join('\n');
  const abs = fs.readdirSync(path.join(fixturesDir, 'abs')).filter((f) => f.endsWith('.abs')).slice(0, 30);
  const oai = fs.readdirSync(path.join(fixturesDir, 'oai-pmh')).filter((f) => f.endsWith('.xml'));
  return {
    atom: [fs.readFileSync(path.join(fixturesDir, 'atom/id_list-1601.00001.xml'), 'utf8')],
    'OAI-PMH': oai.map((f) => fs.readFileSync(path.join(fixturesDir, 'oai-pmh', f), 'utf8')),
    abs: abs.map((f) => fs.readFileSync(path.join(fixturesDir, 'abs', f), 'utf8')),
    'JSON lines': [jsonl],
  };
}

/** One change to a text: characters cut out, put in, repeated or replaced, or the end cut off. */
type Mutation = (text: string) => string;
const position = fc.double({ min: 0, max: 1, noNaN: true });
/** Characters that matter to the formats (markup, quotes, separators, odd Unicode), and any others. */
const nasty = fc.oneof(
  fc.constantFrom('<', '>', '&', '"', "'", '\\', '\\\\\n', '{', '}', '[', ']', ',', ':', '\n', '\r\n', '\u0000', '\ufeff', '\ud800', 'é', '<![CDATA[', ']]>', '&#0;', '&amp;', '</entry>', '<entry>', 'null', '-1', '1e999'),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(position, position).map(([a, b]): Mutation => (t) => { const [i, j] = span(t, a, b); return t.slice(0, i) + t.slice(j); }),
  fc.tuple(position, nasty).map(([a, s]): Mutation => (t) => { const i = Math.floor(a * t.length); return t.slice(0, i) + s + t.slice(i); }),
  fc.tuple(position, position).map(([a, b]): Mutation => (t) => { const [i, j] = span(t, a, b); return t.slice(0, j) + t.slice(i, j) + t.slice(j); }),
  fc.tuple(position, nasty).map(([a, s]): Mutation => (t) => { const i = Math.floor(a * t.length); return t.slice(0, i) + s + t.slice(i + 1); }),
  position.map((a): Mutation => (t) => t.slice(0, Math.floor(a * t.length))),
);

function span(text: string, a: number, b: number): [number, number] {
  const i = Math.floor(Math.min(a, b) * text.length);
  // Mostly short spans, so the text stays close to a real record.
  return [i, Math.min(text.length, i + Math.floor(Math.abs(a - b) * 200))];
}

/**
 * Real records changed at random go through the importer's path (format detection, parsing,
 * normalizing): never an exception, only records and error items. An exception other than a
 * RecordError in normalizing would stop an import.
 */
describe('the source parsers on mutated real records (properties)', () => {
  let dir: string;
  let file = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-mutations-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [format, records] of Object.entries(realRecords())) {
    it(`reads mutated ${format} without throwing`, async () => {
      await checkProperty(
        fc.asyncProperty(fc.constantFrom(...records), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (record, changes, gzip) => {
          const text = changes.reduce((t, change) => change(t), record);
          const target = path.join(dir, `${++file}.${gzip ? 'gz' : 'txt'}`);
          fs.writeFileSync(target, gzip ? zlib.gzipSync(text) : text);
          const items: SourceItem[] = [];
          for await (const item of readSourceFile(target)) items.push(item);
          for (const item of items) {
            if (item.kind === 'error') {
              assert.ok(item.error instanceof RecordError && item.error.reason.length > 0);
              continue;
            }
            try {
              normalizePaper(item.input);
            } catch (error) {
              assert.ok(error instanceof RecordError, `normalizing threw ${String(error)}`);
            }
          }
          fs.rmSync(target);
        }),
        100,
      );
    });
  }
});
