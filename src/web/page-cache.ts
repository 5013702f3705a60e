/**
 * Rendered pages for visitors who are not signed in, kept until the next write or a few seconds.
 * Every write through the site bumps the generation, so a visitor never sees a count older than
 * the last vote made here; the time limit covers writes made by other processes (the CLI).
 */
export class PageCache {
  private generation = 0;
  // Kept as bytes so a hit costs no re-encoding of a page of tens of kilobytes.
  private readonly entries = new Map<string, { body: Buffer; generation: number; at: number }>();

  constructor(
    private readonly ttlMs = 5000,
    private readonly maxEntries = 500,
  ) {}

  get(key: string): Buffer | null {
    const entry = this.entries.get(key);
    if (!entry || entry.generation !== this.generation || Date.now() - entry.at > this.ttlMs) return null;
    return entry.body;
  }

  set(key: string, body: string): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { body: Buffer.from(body), generation: this.generation, at: Date.now() });
  }

  /** Call after any write that changes what a page shows. */
  invalidate(): void {
    this.generation++;
  }
}
