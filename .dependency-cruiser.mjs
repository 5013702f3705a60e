/**
 * The layers of src/ (docs/architecture.md, "Layers"): data flows one way, so a folder imports
 * only the layers below it, never one above it nor a neighbour in its own layer. From the bottom:
 *
 *   base       config.ts, log.ts, html.ts, random.ts
 *   papers
 *   sources, store, mail
 *   search
 *   catalog
 *   community
 *   ranking, recommend
 *   digest
 *   web, jobs
 *   cli
 *
 * `npm run layers` checks it (inside `npm test`). Type-only imports count: they are arrows too.
 * Tests, benchmarks and scripts are outside the layers and may import anything.
 */

/** A folder of src/ (or a list of top-level files) as a path pattern. */
const inSrc = (...names) => `^src/(${names.join('|')})/`;
const BASE = '^src/(config|log|html|random)\\.ts$';
const FOLDERS = ['papers', 'sources', 'store', 'mail', 'search', 'catalog', 'community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli'];

/** One layer's rule: what it is, and the folders it may not import. */
const forbid = (name, what, from, notTo) => ({
  name,
  comment: `${what} It may not import ${notTo.join(', ')} (docs/architecture.md, "Layers").`,
  severity: 'error',
  from: { path: from },
  to: { path: inSrc(...notTo) },
});

export default {
  forbidden: [
    forbid('base', 'config.ts, log.ts, html.ts and random.ts are what everything may import.', BASE, FOLDERS),
    forbid('papers', 'The Paper shape and its rules stand on nothing but the base.', inSrc('papers'), ['sources', 'store', 'mail', 'search', 'catalog', 'community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('sources', 'Readers of arXiv and files turn records into papers; they know no database.', inSrc('sources'), ['store', 'mail', 'search', 'catalog', 'community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('store', 'The database and the paper store; search queries live in search/.', inSrc('store'), ['sources', 'mail', 'search', 'catalog', 'community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('mail', 'Transport only: the mailer and address rules. The mails themselves are written above.', inSrc('mail'), ['sources', 'store', 'search', 'catalog', 'community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('search', 'Indexes and queries over stored papers.', inSrc('search'), ['catalog', 'community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('catalog', "Ingest, periods, fetching one paper, and the daily read of arXiv's announcements.", inSrc('catalog'), ['community', 'ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('community', 'Members and what they do with papers.', inSrc('community'), ['ranking', 'recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('ranking', 'Trending and period lists.', inSrc('ranking'), ['recommend', 'digest', 'web', 'jobs', 'cli']),
    forbid('recommend', '"For you" and saved-search matching.', inSrc('recommend'), ['ranking', 'digest', 'web', 'jobs', 'cli']),
    forbid('digest', 'Subscriptions, composing, rendering and sending digests.', inSrc('digest'), ['web', 'jobs', 'cli']),
    forbid('web', 'The site and the API: they call the layers below and run no job of the command line.', inSrc('web'), ['jobs', 'cli']),
    forbid('jobs', "What serve does by itself, in order: the scheduler and its jobs over the layers below.", inSrc('jobs'), ['web', 'cli']),
    {
      name: 'in-a-layer',
      comment: 'Every file of src/ belongs to a layer above: a new folder or top-level file is added there and in docs/architecture.md.',
      severity: 'error',
      from: { path: '^src/', pathNot: [BASE, inSrc(...FOLDERS)] },
      to: {},
    },
  ],
  options: {
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
