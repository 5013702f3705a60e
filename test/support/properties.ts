import fc from 'fast-check';

/**
 * Every property in `npm test` runs the same cases each time (a fixed seed) and a bounded number
 * of them, so the suite stays fast and a failure is reproducible. To explore further by hand, run
 * one test file with PAPERBOY_PROPERTY_SEED=<n> PAPERBOY_PROPERTY_RUNS=<n>.
 */
export const PROPERTY_SETTINGS = {
  seed: Number(process.env.PAPERBOY_PROPERTY_SEED ?? 17),
  numRuns: Number(process.env.PAPERBOY_PROPERTY_RUNS ?? 300),
};

export function checkProperty<T>(property: fc.IProperty<T> | fc.IAsyncProperty<T>, runs = PROPERTY_SETTINGS.numRuns) {
  return fc.assert(property as fc.IProperty<T>, { ...PROPERTY_SETTINGS, numRuns: runs });
}
