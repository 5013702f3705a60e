import type { Logger } from '../log.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Work requests started and did not wait for (see BackgroundWork). */
    background: BackgroundWork;
  }
}

/**
 * Work a request starts and does not wait for: a mail whose sending must not show in the time of
 * the answer, a paper fetched from a slow arXiv. A failure is logged (it has no one else to tell),
 * and the server waits for what is under way before it closes.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Starts `work` on a later turn of the event loop, so the request that asks for it has answered first. */
  start(what: string, work: () => Promise<void>): void {
    const running: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err: unknown) => this.log.error({ err }, `${what} failed`))
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }

  /** Resolves once everything started so far has finished (and what it started in turn). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
