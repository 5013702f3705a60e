import { normalizePaper } from '../papers/normalize.js';
import type { Paper } from '../papers/paper.js';
import { fetchByIds } from '../sources/arxiv-api.js';
import type { HttpGetter } from '../sources/http.js';

/**
 * Looks a paper up at arXiv and returns it normalized, or null when arXiv has no such paper.
 * It may also store the paper; `submitPaper` (community/submissions.ts) stores it either way (an
 * equal version changes nothing).
 */
export type FetchPaper = (id: string) => Promise<Paper | null>;

/**
 * Fetches one paper from arXiv's export API and normalizes it, for member submissions. A paper
 * arXiv does not know is null; a failure to reach arXiv throws (the caller says "try later").
 */
export function arxivPaperFetcher(client: HttpGetter, baseUrl: string): FetchPaper {
  return async (id) => {
    for await (const item of fetchByIds([id], { client, baseUrl })) {
      if (item.kind === 'error') throw item.error;
      const { paper } = normalizePaper(item.input);
      if (paper.id === id) return paper;
    }
    return null;
  };
}
