/**
 * The activity the demo catalog arrives with, so a new instance looks like a living one: a few
 * members submit papers of the newest day and vote on them. Every account here is marked as demo
 * data (`is_demo`), says so in its name, has an address that no mail can reach (`.invalid`), holds
 * no password, and cannot sign in or ask for a reset. Writes go through the same functions as a
 * member's (submissions and votes keep their counters and rules).
 */
import type { Logger } from '../log.js';
import { seededRandom } from '../random.js';
import type { Db } from '../store/schema.js';
import { toggleVote } from './votes.js';
import { submitPaper } from './submissions.js';

export const DEMO_READERS = 6;
/** Papers of the newest day the demo readers submit, and papers of earlier days they upvote. */
const DEMO_SUBMISSIONS = 8;
const DEMO_EARLIER_VOTES = 12;

/** Adds the demo activity; call it once, right after the demo catalog was loaded into an empty database. */
export async function seedDemoActivity(db: Db, log: Logger): Promise<void> {
  const days = await db.selectFrom('papers').select('day').distinct().orderBy('day', 'desc').limit(3).execute();
  const newest = days[0]?.day;
  if (!newest) return;
  const readers = await demoReaders(db, newest);
  const random = seededRandom(20261203);
  const pick = <T>(items: T[], n: number): T[] => {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    return out;
  };

  // Papers with code first, as members tend to submit those.
  const ofNewest = await db.selectFrom('papers').select(['id', 'links']).where('day', '=', newest).orderBy('id').execute();
  const withCode = ofNewest.filter((p) => p.links.includes('"kind":"code"')).map((p) => p.id);
  const others = ofNewest.filter((p) => !p.links.includes('"kind":"code"')).map((p) => p.id);
  const submitted = [...pick(withCode, DEMO_SUBMISSIONS / 2), ...pick(others, DEMO_SUBMISSIONS)].slice(0, DEMO_SUBMISSIONS);
  const noArxiv = async () => null;
  for (const [i, paperId] of submitted.entries()) {
    const at = new Date(Date.parse(`${newest}T06:00:00Z`) + i * 47 * 60_000);
    await submitPaper(db, readers[i % readers.length]!, paperId, noArxiv, at);
  }
  // Votes fall off down the list, so the featured papers are not all tied.
  for (const [i, paperId] of submitted.entries()) {
    const votes = Math.max(1, DEMO_READERS - i);
    for (const reader of pick(readers, votes)) await toggleVote(db, reader, paperId, new Date(Date.parse(`${newest}T12:00:00Z`)));
  }
  const earlier = await db.selectFrom('papers').select('id').where('day', 'in', days.slice(1).map((d) => d.day)).orderBy('id').execute();
  for (const paperId of pick(earlier.map((p) => p.id), DEMO_EARLIER_VOTES)) {
    for (const reader of pick(readers, 1 + Math.floor(random() * 3))) await toggleVote(db, reader, paperId, new Date(Date.parse(`${newest}T00:00:00Z`)));
  }
  log.info({ submitted: submitted.length, readers: readers.length }, 'demo activity added: featured papers and votes by demo accounts');
}

async function demoReaders(db: Db, day: string): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 1; n <= DEMO_READERS; n++) {
    const row = await db
      .insertInto('users')
      .values({
        email: `demo-reader-${n}@demo.invalid`,
        username: `demo-reader-${n}`,
        display_name: `Demo reader ${n} (demo data)`,
        // Not a password hash: nothing can match it.
        password_hash: '!demo-account',
        role: 'member',
        email_verified_at: `${day}T00:00:00.000Z`,
        created_at: `${day}T00:00:00.000Z`,
        is_demo: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}
