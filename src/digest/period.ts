import { dayPeriod, periodOf, previousPeriod, type Period } from '../catalog/periods.js';
import type { DigestFrequency } from '../store/schema.js';

/**
 * The newest period a digest run can cover. Daily: the newest listing day in the catalog (arXiv
 * does not list every calendar day, so "yesterday" is often empty). Weekly: the newest ISO week
 * that is over by `today`, so a run on any day sends the whole of last week, never half of this one.
 */
export function digestPeriod(frequency: DigestFrequency, latestDay: string, today: string): Period {
  if (frequency === 'daily') return dayPeriod(latestDay)!;
  const week = periodOf('week', latestDay < today ? latestDay : today);
  return week.end < today ? week : previousPeriod(week);
}

/** `digest-daily:2026-11-25:12`: one digest per reader, kind and period, ever. */
export function outboxKey(frequency: DigestFrequency, period: Period, subscriptionId: number): string {
  return `digest-${frequency}:${period.key}:${subscriptionId}`;
}
