import type { Paper } from './paper.js';

/**
 * A paper's code, as lists and the API show it: a GitHub repository when its links name one, else
 * its first code link; and the repository as GitHub's API names it (`owner/name`).
 */
export interface CodeLink {
  url: string;
  /** `owner/name` when the link is a GitHub repository (or a folder inside one), else null. */
  repo: string | null;
}

export function codeLinkOf(paper: Pick<Paper, 'links'>): CodeLink | null {
  const code = paper.links.filter((l) => l.kind === 'code');
  const github = code.map((l) => ({ url: l.url, repo: githubRepoOf(l.url) })).find((c) => c.repo !== null);
  if (github) return github;
  const first = code[0];
  return first ? { url: first.url, repo: null } : null;
}

/** GitHub owner and repository names: letters, digits, `-`, `_` and `.` (links.ts has already cut `.git`). */
const GITHUB_REPO = /^https?:\/\/(?:www\.)?github\.com\/([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})(?:[/?#]|$)/i;

/** `owner/name` of a GitHub repository URL (a folder inside it counts), or null for anything else, an owner alone included. */
export function githubRepoOf(url: string): string | null {
  const m = GITHUB_REPO.exec(url);
  if (!m || m[2] === '.' || m[2] === '..') return null;
  return `${m[1]}/${m[2]}`;
}
