import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { recordingPath } from '../support/recordings.js';
import { apiFixture, closeFixture, type ApiFixture } from './fixture.js';

/** A real answer of the public daily-papers API (test/fixtures/hf-hub). */
const RECORDED = JSON.parse(readFileSync(recordingPath('hf-hub', 'daily_papers.2026-06-12.trimmed-5-of-30.json'), 'utf8')) as Array<Record<string, unknown>>;

/**
 * Fields of the public answer that Paperboy does not carry, and why. Every other field the
 * recording has, Paperboy's answer has too, with a value of the same JSON type.
 */
const NOT_CARRIED = {
  entry: ['thumbnail', 'organization'], // no social images; no organizations of members
  paper: ['discussionId', 'organization', 'githubRepoAddedBy', 'mediaUrls', 'projectPage', 'githubRepo', 'githubStars'], // the last three: present in Paperboy always, in the recording only when known
  submitter: ['_id', 'avatarUrl', 'isPro', 'isHf', 'isHfAdmin', 'isMod', 'followerCount', 'isUserFollowing'], // no avatars, plans or followers
  author: ['_id', 'hidden', 'user', 'status', 'statusLastChangedAt'], // accounts are not linked to paper authors
};

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function sameShape(ours: Record<string, unknown>, theirs: Record<string, unknown>, skip: string[], where: string, nullable: string[] = []): void {
  for (const [key, value] of Object.entries(theirs)) {
    if (skip.includes(key)) continue;
    assert.ok(key in ours, `${where}.${key} is in the public answer but not in ours`);
    if (nullable.includes(key) && ours[key] === null) continue;
    assert.equal(typeOf(ours[key]), typeOf(value), `${where}.${key}: ${typeOf(ours[key])} here, ${typeOf(value)} there`);
  }
}

describe('/api/daily_papers against a recorded answer of the public API', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => closeFixture(f));

  it('answers every field the public answer has, but those said not to be carried, with the same JSON types', async () => {
    const entries = (await f.app.inject('/api/daily_papers?date=2026-01-02')).json() as Array<Record<string, unknown>>;
    const ours = entries[0]!;
    assert.ok(ours, 'the day has a featured paper');
    for (const theirs of RECORDED) {
      sameShape(ours, theirs, NOT_CARRIED.entry, 'entry');
      const paper = ours.paper as Record<string, unknown>;
      const theirPaper = theirs.paper as Record<string, unknown>;
      // Null here where the public answer would leave a paper out: not submitted by anyone, or summarized without a model.
      sameShape(paper, theirPaper, NOT_CARRIED.paper, 'paper', ['submittedOnDailyBy', 'ai_summary_model']);
      sameShape(ours.submittedBy as Record<string, unknown>, theirs.submittedBy as Record<string, unknown>, NOT_CARRIED.submitter, 'submittedBy');
      sameShape(paper.submittedOnDailyBy as Record<string, unknown>, theirPaper.submittedOnDailyBy as Record<string, unknown>, NOT_CARRIED.submitter, 'paper.submittedOnDailyBy');
      sameShape((paper.authors as Array<Record<string, unknown>>)[0]!, (theirPaper.authors as Array<Record<string, unknown>>)[0]!, NOT_CARRIED.author, 'paper.authors[]');
    }
    // The three always present here, whose public answer names them only when known.
    const paper = ours.paper as Record<string, unknown>;
    for (const key of ['githubRepo', 'githubStars', 'projectPage']) assert.ok(key in paper, key);
  });
});
