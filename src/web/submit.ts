import { submitPaper, type Submission } from '../community/submissions.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import type { BackgroundWork } from './background-work.js';
import type { WebDeps } from './deps.js';
import type { PageCache } from './page-cache.js';

/**
 * How long a submission waits for arXiv before answering "it will appear". A paper in the catalog,
 * or one arXiv sends at once, is recorded within the request as before (so a wrong id or a paper
 * arXiv does not have is still said on the form); a slow or unreachable arXiv (whose client waits
 * and retries for half a minute and more) no longer holds the request.
 */
export const SUBMISSION_WAIT_MS = 3000;

/** Recorded within the request, or still being fetched from arXiv (and recorded once it is here). */
export type SubmitOutcome = { recorded: Submission } | { fetching: string };

/**
 * A member's submission from the site or the API: the refusals of `submitPaper` come through as
 * ever; past the wait, the fetch and the recording go on in the background, and the pages that
 * list the paper are refreshed when it arrives. A failure then is logged (arXiv has no such paper,
 * or never answered): the member, told it will appear, can submit it again.
 */
export async function submitWithin(deps: Pick<WebDeps, 'db' | 'fetchPaper' | 'now'> & { background: BackgroundWork; cache: PageCache }, userId: number, raw: string): Promise<SubmitOutcome> {
  const submitting = submitPaper(deps.db, userId, raw, deps.fetchPaper, deps.now?.() ?? new Date());
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<null>((resolve) => (timer = setTimeout(resolve, SUBMISSION_WAIT_MS, null)));
  try {
    const done = await Promise.race([submitting.then((recorded) => ({ recorded })), waited]);
    if (done) return done;
  } finally {
    clearTimeout(timer);
  }
  deps.background.start('submitted paper', async () => {
    await submitting;
    deps.cache.invalidate();
  });
  // submitPaper refuses a string that is not an id at once, so by now it is one.
  return { fetching: parseArxivId(raw)!.id };
}
