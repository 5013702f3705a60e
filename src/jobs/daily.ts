/**
 * What `paperboy serve` does by itself, in this order at every tick of its scheduler:
 *
 *   1. read arXiv's announcements (catalog/announcements.ts): today's feed once arXiv has built it,
 *      missed days through OAI-PMH; then fill in the papers listed earlier with the feed's data
 *      alone, as far as arXiv's export API now returns them (catalog/feed-only.ts);
 *   2. embed the papers of the days just read, then mark those days embedded;
 *   3. send the digests that are due: a day's only once step 2 marked it (digest/schedule.ts);
 *      and deliver mail waiting for a retry;
 *   4. post what groups' chat webhooks are waiting for (groups/chat-delivery.ts).
 *
 * With the daily read off (PAPERBOY_ARXIV_CATEGORIES=none), step 1 records the catalog's own days
 * instead, once their papers have stopped arriving (catalog/catalog-days.ts), so the digests of an
 * instance fed by `paperboy import` or `harvest` wait for their day in the same way.
 *
 * Each step decides from the database alone what it has to do, so the steps can run in another
 * process as well (`paperboy announcements` does 1 and 2 by hand).
 */
import { announcementCategories, readAnnouncements, type AnnouncementDeps } from '../catalog/announcements.js';
import { recordCatalogDays } from '../catalog/catalog-days.js';
import { completeFeedOnlyPapers } from '../catalog/feed-only.js';
import { DigestSchedule, type DigestScheduleSettings } from '../digest/schedule.js';
import type { DigestRunDeps } from '../digest/run.js';
import { deliverChat, type ChatDeliveryOptions } from '../groups/chat-delivery.js';
import { daysAwaitingEmbedding, markEmbedded } from '../store/announcement-days.js';
import type { Db } from '../store/schema.js';
import type { Job } from './scheduler.js';

/** After arXiv failed, or its feed was not ready, wait this long before asking again. */
export const ANNOUNCEMENT_RETRY_MS = 15 * 60_000;

export interface DailyDeps {
  announcements: AnnouncementDeps;
  digests: DigestRunDeps;
  digestSchedule: Omit<DigestScheduleSettings, 'readsAnnouncements'>;
  /** Embeds every paper that has no vector yet for the model in use; resolves once they are stored. */
  embed: () => Promise<unknown>;
  chat: Omit<ChatDeliveryOptions, 'now' | 'signal'> & { db: Db };
}

export function dailyJobs(deps: DailyDeps): Job[] {
  const readsAnnouncements = announcementCategories(deps.announcements.config).length > 0;
  const digests = new DigestSchedule(deps.digests, { ...deps.digestSchedule, readsAnnouncements }, deps.digests.log);
  const { db, log } = deps.announcements;
  const reading: Job[] = readsAnnouncements
    ? [
        announcementJob(deps.announcements),
        { name: 'filling in papers listed from the feed alone', run: (now, signal) => completeFeedOnlyPapers(deps.announcements, now, signal).then(() => undefined) },
      ]
    : [{ name: "recording the catalog's days", run: (now) => recordCatalogDays(db, log, now).then(() => undefined) }];
  return [
    ...reading,
    { name: 'embedding announced papers', run: (now) => embedAnnouncedDays(deps.announcements.db, deps.embed, now).then(() => undefined) },
    { name: 'sending digests', run: (now, signal) => digests.run(now, signal) },
    { name: "posting to groups' chats", run: (now, signal) => deliverChat(deps.chat.db, { ...deps.chat, now: () => now, signal }).then(() => undefined) },
  ];
}

/** Reads the announcements at every tick; after a failure or a feed not ready yet, only once the wait is over. */
function announcementJob(deps: AnnouncementDeps): Job {
  let notBefore = 0;
  return {
    name: "reading arXiv's announcements",
    async run(now, signal) {
      if (now.getTime() < notBefore) return;
      notBefore = now.getTime() + ANNOUNCEMENT_RETRY_MS;
      const report = await readAnnouncements(deps, now, signal);
      if (report.waiting === null) notBefore = 0;
    },
  };
}

/** Embeds the papers of the listed days not embedded yet, then marks those days: their digests may go. Returns the days. */
export async function embedAnnouncedDays(db: Db, embed: () => Promise<unknown>, now: Date): Promise<string[]> {
  // Read before embedding: a day recorded meanwhile is marked by the next run, after its own papers were embedded.
  const days = await daysAwaitingEmbedding(db);
  if (days.length === 0) return days;
  await embed();
  await markEmbedded(db, days, now.toISOString());
  return days;
}
