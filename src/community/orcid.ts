/**
 * ORCID iDs (https://support.orcid.org/hc/en-us/articles/360006897674): sixteen characters in four
 * groups, the last a check character computed by ISO 7064 MOD 11-2 over the fifteen digits before
 * it ('X' stands for 10). Members give theirs in any of the forms they copy it in; we keep the
 * hyphenated form and link to it on orcid.org.
 */
import type { Db } from '../store/schema.js';
import { invalid } from './errors.js';
import { requireMember } from './users.js';

/** `https://orcid.org/0000-0002-1825-0097`, `orcid.org/…`, `0000000218250097`, with spaces: the iD, normalized; null when it is not one (wrong shape or check digit). */
export function normalizeOrcid(raw: string): string | null {
  const bare = raw.trim().replace(/^(?:https?:\/\/)?(?:www\.)?orcid\.org\//i, '').replace(/[\s-]/g, '').toUpperCase();
  if (!/^\d{15}[\dX]$/.test(bare) || orcidCheckDigit(bare.slice(0, 15)) !== bare[15]) return null;
  return bare.match(/.{4}/g)!.join('-');
}

/** ISO 7064 MOD 11-2 over the base digits. */
export function orcidCheckDigit(base: string): string {
  let total = 0;
  for (const digit of base) total = (total + Number(digit)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? 'X' : String(result);
}

export function orcidUrl(orcid: string): string {
  return `https://orcid.org/${orcid}`;
}

/** Sets (or, given '', removes) the member's ORCID iD. */
export async function setOrcid(db: Db, userId: number, raw: string): Promise<string | null> {
  await requireMember(db, userId, { verified: false });
  const value = typeof raw === 'string' ? raw.slice(0, 100) : '';
  const orcid = value.trim() === '' ? null : normalizeOrcid(value);
  if (value.trim() !== '' && orcid === null) {
    throw invalid('orcid', `“${value.trim().slice(0, 40)}” is not an ORCID iD: it has sixteen characters such as 0000-0002-1825-0097, and the last one must match the others (its check digit).`);
  }
  await db.updateTable('users').set({ orcid }).where('id', '=', userId).execute();
  return orcid;
}

export async function orcidOf(db: Db, userId: number): Promise<string | null> {
  const row = await db.selectFrom('users').select('orcid').where('id', '=', userId).executeTakeFirst();
  return row?.orcid ?? null;
}
