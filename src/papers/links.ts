/**
 * Code, model, dataset and project links found in an abstract or comment.
 *
 * What counts, and how each is written:
 * - GitHub, Bitbucket, Codeberg (`code`): `https://<host>/<owner>/<repo>`, `.git` dropped. Deeper
 *   paths collapse to the repository, except a sub-directory `/tree/<ref>/<path>`, which is kept:
 *   that is how papers point at one project inside a monorepo (`google-research/google-research`).
 *   An owner alone (`github.com/facebookresearch`) is kept as `code` too.
 *   `gist.github.com/...` is `code` as written; `<user>.github.io` sites are `project` pages.
 * - GitLab (`gitlab.com` and self-hosted `gitlab.*`, `code`): the project path up to GitLab's
 *   `/-/` separator (groups nest, so the path cannot be cut at two segments).
 * - `anonymous.4open.science/r/<name>` (anonymised review code, `code`).
 * - Hugging Face (`huggingface.co` or `hf.co`, written as `https://huggingface.co/...`):
 *   `<org>/<model>` → `model`; `datasets/[<org>/]<name>` → `dataset`; `spaces/<org>/<name>` →
 *   `project`; other pages (an org, docs, blog, collections) → `project`; `papers/...` is skipped.
 * - Kaggle `kaggle.com/datasets/<owner>/<name>` → `dataset`.
 * - Any other http(s) URL, or a bare `www.` address → `project`, as written (fragment dropped).
 * - Skipped: arxiv.org (links to papers, this one or others) and doi.org / dx.doi.org.
 * Bare `github.com/...`, `gitlab.com/...`, `huggingface.co/...`, `hf.co/...` without a scheme are
 * found too. LaTeX is read through: `\url{...}`, `\href{...}{...}`, escapes such as `\_`, `\%`,
 * `\#`, `\~{}` and `$\sim$`. Trailing sentence punctuation and unbalanced closing brackets are
 * trimmed. Links are deduplicated case-insensitively (ignoring scheme and trailing `/`) and
 * returned in order of first appearance.
 */

import type { LinkKind, PaperLink } from './paper.js';

/** Characters a URL can run over: no whitespace, no LaTeX group or math delimiters. */
const URL_CHAR = String.raw`[^\s<>"\`{}|\\^$]`;
const CANDIDATE = new RegExp(
  String.raw`https?://${URL_CHAR}+` +
    String.raw`|(?<![\w@./-])(?:(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|hf\.co)/|www\.[a-z0-9-]+\.)${URL_CHAR}+`,
  'gi',
);

/** GitHub pages that are not an owner or a repository. */
const GITHUB_RESERVED = new Set([
  'about', 'collections', 'contact', 'customer-stories', 'enterprise', 'events', 'explore',
  'features', 'login', 'marketplace', 'orgs', 'pricing', 'search', 'settings', 'site', 'sponsors',
  'topics', 'trending',
]);
/** Hugging Face top-level pages that are not an org or a model. */
const HF_SITE_PAGES = new Set([
  'blog', 'chat', 'collections', 'docs', 'join', 'learn', 'login', 'models', 'organizations',
  'posts', 'pricing', 'settings', 'tasks',
]);

/** Cheap pre-check: most abstracts hold no link at all, and scanning them fully is the slow part. */
const MAY_HOLD_LINK = /https?:|www\.|github|gitlab|huggingface|hf\.co/i;

export function extractLinks(text: string): PaperLink[] {
  if (!MAY_HOLD_LINK.test(text)) return [];
  const links: PaperLink[] = [];
  const seen = new Set<string>();
  for (const match of readableText(text).matchAll(CANDIDATE)) {
    const link = classifyUrl(trimTrailing(match[0]));
    if (link === null) continue;
    const key = dedupeKey(link.url);
    if (seen.has(key)) continue;
    seen.add(key);
    links.push(link);
  }
  return links;
}

/** Undoes the LaTeX and line-wrapping that would otherwise cut or corrupt URLs. */
function readableText(text: string): string {
  return (
    text
      // `\href{url}{label}` and `\url{url}`: keep the url, set apart so it ends at the brace.
      .replace(/\\(?:url|href)\s*\{([^{}]*)\}/g, ' $1 ')
      .replace(/\$\\sim\$|\\textasciitilde(?:\{\})?|\\~(?:\{\})?/g, '~')
      .replace(/\\([_%#&])/g, '$1')
      // `https://github. com/owner/repo`: a wrap after the dot that some sources left as a space.
      .replace(/\b(github|gitlab|huggingface)\.\s+(com|co)\//gi, '$1.$2/')
  );
}

/** Drops sentence punctuation after a URL and closing brackets that it did not open. */
function trimTrailing(url: string): string {
  let s = cutAtUnopenedBracket(url);
  for (;;) {
    const last = s.slice(-1);
    if (/[.,;:!?'"*~]/.test(last)) s = s.slice(0, -1);
    else return s;
  }
}

/**
 * A URL written inside parentheses often runs straight into the next word with no space
 * ("(code: https://github.com/a/b)differentiates", 2402.05547); a bracket that nothing in the URL
 * opened ends it, while balanced ones (Wikipedia-style `Foo_(bar)`) stay.
 */
function cutAtUnopenedBracket(url: string): string {
  const open = { ')': 0, ']': 0 };
  for (let i = 0; i < url.length; i++) {
    const ch = url[i]!;
    if (ch === '(') open[')']++;
    else if (ch === '[') open[']']++;
    else if (ch === ')' || ch === ']') {
      if (open[ch] === 0) return url.slice(0, i);
      open[ch]--;
    }
  }
  return url;
}

function classifyUrl(raw: string): PaperLink | null {
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return null;
  }
  const host = url.hostname.replace(/^www\./, '');
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (host === 'arxiv.org' || host.endsWith('.arxiv.org')) return null;
  if (host === 'doi.org' || host === 'dx.doi.org') return null;
  if (host === 'github.com' || host === 'bitbucket.org' || host === 'codeberg.org') return repoLink(host, segments, url);
  if (host === 'gist.github.com') return link('code', `https://${host}/${segments.join('/')}`);
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return gitlabLink(host, segments);
  if (host === 'huggingface.co' || host === 'hf.co') return huggingFaceLink(segments, url);
  if (host === 'anonymous.4open.science' && segments[0] === 'r' && segments[1]) {
    return link('code', `https://${host}/r/${segments[1]}`);
  }
  if (host === 'kaggle.com' && segments[0] === 'datasets' && segments.length >= 3) {
    return link('dataset', `https://www.kaggle.com/datasets/${segments[1]}/${segments[2]}`);
  }
  return projectLink(url);
}

function repoLink(host: string, segments: string[], url: URL): PaperLink | null {
  const [owner, repo, view, ref, ...path] = segments;
  if (owner === undefined) return null;
  if (host === 'github.com' && GITHUB_RESERVED.has(owner.toLowerCase())) return projectLink(url);
  if (repo === undefined) return link('code', `https://${host}/${owner}`);
  const base = `https://${host}/${owner}/${repo.replace(/\.git$/i, '')}`;
  if (view === 'tree' && ref !== undefined && path.length > 0) return link('code', `${base}/tree/${ref}/${path.join('/')}`);
  return link('code', base);
}

function gitlabLink(host: string, segments: string[]): PaperLink | null {
  const separator = segments.indexOf('-');
  const project = separator === -1 ? segments : segments.slice(0, separator);
  if (project.length === 0) return null;
  const last = project.length - 1;
  project[last] = (project[last] ?? '').replace(/\.git$/i, '');
  return link('code', `https://${host}/${project.join('/')}`);
}

function huggingFaceLink(segments: string[], url: URL): PaperLink | null {
  const base = 'https://huggingface.co';
  const [first, second, third] = segments;
  if (first === undefined || first === 'papers') return null;
  if (first === 'datasets' && second !== undefined) {
    // `datasets/<org>/<name>`, or the older un-namespaced `datasets/<name>`.
    const name = third === undefined || isHfSubpage(third) ? second : `${second}/${third}`;
    return link('dataset', `${base}/datasets/${name}`);
  }
  if (first === 'spaces' && second !== undefined && third !== undefined) {
    return link('project', `${base}/spaces/${second}/${third}`);
  }
  if (HF_SITE_PAGES.has(first) || first === 'datasets' || first === 'spaces') {
    return link('project', `${base}${url.pathname}`);
  }
  if (second === undefined) return link('project', `${base}/${first}`);
  return link('model', `${base}/${first}/${second}`);
}

/** `tree`, `blob`, `resolve`, `viewer`, ... follow a repo name on Hugging Face. */
function isHfSubpage(segment: string): boolean {
  return ['tree', 'blob', 'resolve', 'viewer', 'discussions', 'commits', 'raw', 'edit'].includes(segment);
}

function projectLink(url: URL): PaperLink {
  url.hash = '';
  return link('project', url.href);
}

function link(kind: LinkKind, url: string): PaperLink {
  return { kind, url };
}

function dedupeKey(url: string): string {
  return url.toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
}
