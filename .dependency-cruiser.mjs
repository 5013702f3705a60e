/**
 * The layers of src/ (docs/architecture.md, "Layers"): data flows one way, so a folder imports
 * only the layers below it, never one above it nor a neighbour in its own layer. The table below
 * is the whole rule: a new folder gets a line in it (and in docs/architecture.md), and each
 * folder's forbidden imports follow from where it stands.
 *
 * `npm run layers` checks it (inside `npm test`). Type-only imports count: they are arrows too.
 * Tests, benchmarks and scripts are outside the layers and may import anything.
 */

/** Bottom first. The base (config.ts, log.ts, html.ts, random.ts, signing.ts) is below them all. */
const LAYERS = [
  { papers: 'The Paper shape and its rules stand on nothing but the base.' },
  {
    sources: 'Readers of arXiv and files turn records into papers; they know no database.',
    store: 'The database and the paper store; search queries live in search/.',
    mail: 'Transport only: the mailer and address rules. The mails themselves are written above.',
  },
  { search: 'Indexes and queries over stored papers.' },
  {
    catalog: "Ingest, periods, fetching one paper, and the daily read of arXiv's announcements.",
    enrich: 'Background jobs that ask outside services about stored papers (code stars, Hub links, summaries).',
  },
  { community: 'Members and what they do with papers.' },
  { groups: 'Groups of members: their queue, sessions, invitations and chat.' },
  {
    ranking: 'Trending and period lists.',
    recommend: '"For you" and saved-search matching.',
    references: 'Export to and import from reference managers (BibTeX, RIS, CSL-JSON).',
  },
  { digest: 'Subscriptions, composing, rendering and sending digests.' },
  {
    web: 'The site and the API: they call the layers below and run no job of the command line.',
    jobs: 'What serve does by itself, in order: the scheduler and its jobs over the layers below.',
  },
  { cli: 'One command per job, over everything.' },
];

/** A folder of src/ as a path pattern. */
const inSrc = (...names) => `^src/(${names.join('|')})/`;
const BASE = '^src/(config|log|html|random|signing)\\.ts$';
const FOLDERS = LAYERS.flatMap((layer) => Object.keys(layer));

/** One folder's rule: its neighbours in its layer and every folder above are out of reach. */
function rulesOf(layer, index) {
  const above = LAYERS.slice(index + 1).flatMap((l) => Object.keys(l));
  return Object.entries(layer).map(([folder, what]) => {
    const notTo = [...Object.keys(layer).filter((f) => f !== folder), ...above];
    return rule(folder, what, inSrc(folder), notTo);
  });
}

function rule(name, what, from, notTo) {
  return {
    name,
    comment: `${what} It may not import ${notTo.join(', ')} (docs/architecture.md, "Layers").`,
    severity: 'error',
    from: { path: from },
    to: { path: inSrc(...notTo) },
  };
}

export default {
  forbidden: [
    rule('base', 'config.ts, log.ts, html.ts, random.ts and signing.ts are what everything may import.', BASE, FOLDERS),
    ...LAYERS.flatMap(rulesOf).filter((r) => r.to.path !== inSrc()),
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
