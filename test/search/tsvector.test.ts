import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { wordsOfTsvector } from '../../src/search/tsvector.js';
import { tempDb, testStore } from '../support/db.js';

/** A tsvector in tsvectorsend's layout: word count, then each word's UTF-8 text, a zero byte, its position count and positions (weight in the top two bits). */
function binary(words: [string, [number, 'A' | 'B' | 'C' | 'D'][]][]): Uint8Array {
  const parts: Buffer[] = [Buffer.alloc(4)];
  parts[0]!.writeInt32BE(words.length);
  for (const [word, positions] of words) {
    parts.push(Buffer.from(`${word}\0`, 'utf8'));
    const entries = Buffer.alloc(2 + 2 * positions.length);
    entries.writeUInt16BE(positions.length);
    positions.forEach(([position, weight], i) => entries.writeUInt16BE(('DCBA'.indexOf(weight) << 14) | position, 2 + 2 * i));
    parts.push(entries);
  }
  return new Uint8Array(Buffer.concat(parts));
}

describe('reading a tsvector in binary form', () => {
  const vector = binary([
    ['graph', [[1, 'A'], [7, 'C']]],
    ['москва', [[3, 'B']]],
    ['network', [[2, 'A']]],
    ['transfer', [[9, 'C']]],
    ['transform', [[8, 'C'], [16383, 'C']]],
  ]);

  it('gives the positions and fields of the words asked for, and of every word a prefix starts', () => {
    const words = wordsOfTsvector(vector, ['graph', 'москва', 'absent'], ['transf']);
    assert.deepEqual([...words.keys()], ['graph', 'москва', 'transfer', 'transform']);
    assert.deepEqual(words.get('graph'), [{ position: 1, weight: 'A' }, { position: 7, weight: 'C' }]);
    assert.deepEqual(words.get('москва'), [{ position: 3, weight: 'B' }]);
    assert.deepEqual(words.get('transform'), [{ position: 8, weight: 'C' }, { position: 16383, weight: 'C' }]);
  });

  it('does not take a longer or shorter word for the one asked for', () => {
    assert.deepEqual([...wordsOfTsvector(vector, ['grap', 'graphs', 'transfor'], []).keys()], []);
  });

  it('reads what PostgreSQL sends as unnest() reads it', { skip: testStore !== 'postgres' && 'PostgreSQL only' }, async () => {
    const t = await tempDb();
    try {
      const text = 'Graph neural networks: naïve graphs, Москва; graph transformers transfer';
      const { rows } = await sql<{ words: Uint8Array }>`SELECT tsvectorsend(to_tsvector('paperboy', paperboy_words(${text}))) AS words`.execute(t.db);
      const unnested = await sql<{ lexeme: string; positions: number[] }>`
        SELECT lexeme, positions FROM unnest(to_tsvector('paperboy', paperboy_words(${text})))`.execute(t.db);
      const lexemes = unnested.rows.map((r) => r.lexeme);
      const read = wordsOfTsvector(rows[0]!.words, lexemes, []);
      assert.deepEqual(
        [...read].map(([word, positions]) => [word, positions.map((p) => p.position)]),
        unnested.rows.map((r) => [r.lexeme, r.positions]),
      );
    } finally {
      await t.cleanup();
    }
  });
});
