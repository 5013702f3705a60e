import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PARAMS_PER_STATEMENT, perStatement } from '../../src/store/chunks.js';

describe('perStatement', () => {
  it('splits a list of values into pieces of PARAMS_PER_STATEMENT, in order', () => {
    const ids = Array.from({ length: 2 * PARAMS_PER_STATEMENT + 1 }, (_, i) => i);
    const pieces = [...perStatement(ids)];
    assert.deepEqual(
      pieces.map((p) => p.length),
      [PARAMS_PER_STATEMENT, PARAMS_PER_STATEMENT, 1],
    );
    assert.deepEqual(pieces.flat(), ids);
    assert.deepEqual([...perStatement([])], []);
  });

  it('counts a row as many parameters as it has columns', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ a: i, b: i, c: i }));
    const pieces = [...perStatement(rows)];
    assert.ok(pieces.every((p) => p.length * 3 <= PARAMS_PER_STATEMENT));
    assert.equal(pieces[0]!.length, Math.floor(PARAMS_PER_STATEMENT / 3));
    assert.deepEqual(pieces.flat(), rows);
  });
});
