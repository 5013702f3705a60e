import { oneProcess, type Notices } from '../store/notices.js';

/**
 * Rendered pages for visitors who are not signed in, kept until the next write or a few seconds.
 * Every write through the site bumps the generation, so a visitor never sees a count older than
 * the last vote made here; the time limit covers writes made by other programs (the CLI).
 *
 * With several processes (PostgreSQL), a write through any of them is told to all the others
 * (store/notices.ts), which drop their pages too; a page is served from here only once this
 * process has heard every write announced before the request, so a comment posted through one
 * process shows at once on a page another process serves.
 */
export class PageCache {
  private generation = 0;
  // Kept as bytes so a hit costs no re-encoding of a page of tens of kilobytes.
  private readonly entries = new Map<string, { body: Buffer; generation: number; at: number }>();
  /** Notices of this process's writes not yet sent to the others. */
  private readonly telling = new Set<Promise<void>>();

  constructor(
    private readonly notices: Notices = oneProcess,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 500,
  ) {
    notices.subscribe('pages', () => this.generation++);
  }

  /** The page kept under `key`, or null: none, too old, older than a write, or (for now) no word from the other processes. */
  async hit(key: string): Promise<Buffer | null> {
    if (!this.current(key)) return null;
    if (!(await this.notices.caughtUp())) return null;
    return this.current(key);
  }

  set(key: string, body: string): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { body: Buffer.from(body), generation: this.generation, at: Date.now() });
  }

  /** Call after any write that changes what a page shows. */
  invalidate(): void {
    this.generation++;
    const told: Promise<void> = this.notices.publish('pages').finally(() => this.telling.delete(told));
    this.telling.add(told);
  }

  /** Resolves once the other processes can hear of every write invalidated here so far: the reply to a write waits for it. */
  async told(): Promise<void> {
    if (this.telling.size > 0) await Promise.all(this.telling);
  }

  private current(key: string): Buffer | null {
    const entry = this.entries.get(key);
    if (!entry || entry.generation !== this.generation || Date.now() - entry.at > this.ttlMs) return null;
    return entry.body;
  }
}
