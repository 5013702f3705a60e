import type { Period } from '../catalog/periods.js';
import type { DigestFrequency } from '../store/schema.js';

/** Where a paper in a digest comes from; the mail shows one section for each. */
export type DigestSection = 'alerts' | 'for-you' | 'trending';

export interface DigestItem {
  paperId: string;
  section: DigestSection;
  /** Why this reader gets it, in words: "By Yann LeCun, whom you follow". */
  reason: string;
}

/** What an outbox row carries (as JSON); the mail is rendered from it when it is sent. */
export interface DigestContent {
  frequency: DigestFrequency;
  period: Period;
  items: DigestItem[];
}

export const SECTION_TITLES: Record<DigestSection, string> = {
  alerts: 'Your alerts',
  'for-you': 'For you',
  trending: 'Trending',
};

export function parseContent(json: string): DigestContent {
  const content = JSON.parse(json) as DigestContent;
  if (!Array.isArray(content.items) || !content.period?.key) throw new Error('outbox content is not a digest');
  return content;
}
