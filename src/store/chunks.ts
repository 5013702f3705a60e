/**
 * Long lists go to the database a piece at a time, because one statement may carry only so many
 * bound parameters: 32,766 in SQLite (its default SQLITE_MAX_VARIABLE_NUMBER), 65,535 in
 * PostgreSQL. A list's values in one statement stay at PARAMS_PER_STATEMENT, far below both, so
 * the statement's few other parameters (a model id, a limit) always fit as well.
 */
export const PARAMS_PER_STATEMENT = 2000;

/**
 * `items` in order, in pieces that fit one statement: values for an `IN (...)` list, one parameter
 * each, or rows for a multi-row INSERT, as many parameters each as the first row has columns.
 */
export function* perStatement<T>(items: readonly T[]): Generator<T[]> {
  const first = items[0];
  const paramsPerItem = typeof first === 'object' && first !== null ? Math.max(1, Object.keys(first).length) : 1;
  const size = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / paramsPerItem));
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
