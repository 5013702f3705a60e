/**
 * Reads a tsvector in PostgreSQL's binary form (what `tsvectorsend(fts)` returns), keeping only
 * the words a query asks about. Taking the vector whole and reading it here costs a fraction of
 * `unnest(fts)`, which builds two arrays for every word of every candidate paper on the server
 * (about 0.1 ms a paper, most of a keyword search's time).
 *
 * The layout (tsvectorsend in PostgreSQL's tsvector.c): an int32 count of words; then for each
 * word, sorted, its UTF-8 text ending in a zero byte, a uint16 count of positions, and for each
 * position a uint16 whose top two bits are the weight (3 = A ... 0 = D) and the rest the position.
 */

/** The weight letters by their code in a position. */
const WEIGHTS = ['D', 'C', 'B', 'A'] as const;
export type Weight = (typeof WEIGHTS)[number];

export interface Position {
  position: number;
  weight: Weight;
}

/**
 * The positions of the words that are in `exact` or start with one of `prefixes`, by word.
 * Words are compared as UTF-8 bytes, so the others (nearly all) are never decoded.
 */
export function wordsOfTsvector(vector: Uint8Array, exact: readonly string[], prefixes: readonly string[]): Map<string, Position[]> {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const wanted = [...exact.map((w) => ({ bytes: Buffer.from(w, 'utf8'), prefix: false })), ...prefixes.map((w) => ({ bytes: Buffer.from(w, 'utf8'), prefix: true }))];
  // The first bytes of the wanted words: most words fail this one look-up.
  const firstBytes = new Uint8Array(256);
  for (const x of wanted) firstBytes[x.bytes[0] ?? 0] = 1;
  const out = new Map<string, Position[]>();
  const words = bytes.readInt32BE(0);
  let at = 4;
  for (let w = 0; w < words; w++) {
    const start = at;
    const end = bytes.indexOf(0, start);
    if (end < 0) throw new Error('tsvector: a word without its end');
    const count = bytes.readUInt16BE(end + 1);
    at = end + 3;
    if (firstBytes[bytes[start]!] === 1 && wanted.some((x) => matches(bytes, start, end, x.bytes, x.prefix))) {
      const positions: Position[] = [];
      for (let i = 0; i < count; i++) {
        const entry = bytes.readUInt16BE(at + 2 * i);
        positions.push({ position: entry & 0x3fff, weight: WEIGHTS[entry >> 14]! });
      }
      out.set(bytes.toString('utf8', start, end), positions);
    }
    at += 2 * count;
  }
  return out;
}

/** Whether bytes[start, end) is `word` (or starts with it, for a prefix). */
function matches(bytes: Buffer, start: number, end: number, word: Buffer, prefix: boolean): boolean {
  const length = end - start;
  if (prefix ? length < word.length : length !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}
