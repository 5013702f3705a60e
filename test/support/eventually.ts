import assert from 'node:assert/strict';

/** Waits for a condition checked every 200 ms; the cap only keeps a broken run from hanging. */
export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 900; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`never happened: ${what}`);
}
