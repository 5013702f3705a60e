/**
 * A service that asked to be left alone (a rate limit) is left alone until the time it said, kept
 * in the database so a restart, or another process running the same job, honours it too.
 */
import { loadCheckpoint, saveCheckpoint } from '../store/checkpoints.js';
import type { Db } from '../store/schema.js';

export type Service = 'github' | 'hub' | 'llm';

const key = (service: Service) => `service-pause:${service}`;

export async function pausedUntil(db: Db, service: Service): Promise<number> {
  const state = await loadCheckpoint<{ until: string }>(db, key(service));
  const until = state ? Date.parse(state.until) : NaN;
  return Number.isFinite(until) ? until : 0;
}

export async function pause(db: Db, service: Service, until: number): Promise<void> {
  await saveCheckpoint(db, key(service), { until: new Date(until).toISOString() });
}
