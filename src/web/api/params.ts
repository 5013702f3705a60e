/**
 * Query parameters the API and feeds share, each with the message a client sees when it is wrong.
 * They are written so that the OpenAPI description can be made from them (openapi.ts): limits and
 * defaults are zod checks, not code in a transform.
 */
import { z } from 'zod';

/** A whole number in [min, max]; `fallback` when absent. `1e3`, `0x10`, ` 5` and `1.5` are refused. */
export function integerParam(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^-?\d{1,12}$/, 'must be a whole number')
    .pipe(z.coerce.number<string>().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);
}

/** An optional text parameter of at most `max` characters. */
export function textParam(max: number) {
  return z.string().max(max, `must be at most ${max} characters`).optional();
}

export const MAX_SEARCH_TEXT = 250;

/** A search in the syntax of the search box, as the search API and the search feeds take it. */
export const searchText = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_SEARCH_TEXT, `must be at most ${MAX_SEARCH_TEXT} characters`);
