/** Query parameters the API shares, each with the message a client sees when it is wrong. */
import { z } from 'zod';

/** A whole number in [min, max]; `fallback` when absent. `1e3`, `0x10`, ` 5` and `1.5` are refused. */
export function integerParam(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^-?\d{1,12}$/, 'must be a whole number')
    .optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** An optional text parameter of at most `max` characters. */
export function textParam(max: number) {
  return z.string().max(max, `must be at most ${max} characters`).optional();
}
