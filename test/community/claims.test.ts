import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { approveClaim, claimAuthorship, claimedPapers, claimsOf, claimsOnPaper, membersForAuthor, pendingClaims, refuseClaim } from '../../src/community/claims.js';
import { moderationLog } from '../../src/community/moderation.js';
import { normalizeOrcid, orcidCheckDigit, orcidOf, setOrcid } from '../../src/community/orcid.js';
import type { User } from '../../src/community/users.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeAdmin, makeMember, rejectsWith } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

const noDomains = { autoApproveDomains: [] };

describe('author claims', () => {
  let t: TempDb;
  let admin: User;
  let troels: User;
  let other: User;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      makePaper({ id: '1401.2910', title: 'Defining and detecting quantum speedup', authors: ['Troels F. Rønnow', 'Zhihui Wang', 'Joshua Job'] }),
      makePaper({ id: '1401.2911', title: 'Another one', authors: ['Troels F. Rønnow'], day: '2024-02-01' }),
    ]);
    admin = await makeAdmin(t.db, 'Moderator');
    troels = await makeMember(t.db, 'Troels');
    other = await makeMember(t.db, 'Impostor');
  });
  after(async () => t.cleanup());

  it('takes a claim under a name of the paper (spelled loosely), keeps it pending, and a moderator approves it in the log', async () => {
    const claim = await claimAuthorship(t.db, troels.id, '1401.2910', '  troels f. RØNNOW ', noDomains, new Date('2026-12-03T10:00:00Z'));
    assert.deepEqual([claim.authorName, claim.status, claim.member.id, claim.paper.id], ['Troels F. Rønnow', 'pending', troels.id, '1401.2910']);
    assert.deepEqual((await pendingClaims(t.db, admin.id)).map((c) => c.id), [claim.id]);
    assert.deepEqual(await claimedPapers(t.db, troels.id), []);

    assert.deepEqual(await approveClaim(t.db, admin.id, claim.id, 'checked the affiliation'), { changed: true });
    assert.deepEqual(await approveClaim(t.db, admin.id, claim.id, 'again'), { changed: false });
    assert.deepEqual((await claimedPapers(t.db, troels.id)).map((p) => p.id), ['1401.2910']);
    assert.deepEqual(await membersForAuthor(t.db, 'Troels F Rønnow'), [{ id: troels.id, username: troels.username, displayName: 'Troels' }]);
    assert.deepEqual(await pendingClaims(t.db, admin.id), []);
    const [entry] = await moderationLog(t.db, { limit: 1 });
    assert.deepEqual([entry!.action, entry!.target, entry!.moderator?.id, entry!.reason], ['approve_claim', { type: 'claim', id: String(claim.id) }, admin.id, 'checked the affiliation']);
    assert.equal((await claimsOnPaper(t.db, '1401.2910', null)).approved.length, 1);
  });

  it('refuses a second claim of the same paper, a name not on it, a name already another member’s, and unconfirmed members', async () => {
    await assert.rejects(claimAuthorship(t.db, troels.id, '1401.2910', 'Troels F. Rønnow', noDomains), rejectsWith('duplicate'));
    await assert.rejects(claimAuthorship(t.db, other.id, '1401.2910', 'Alan Turing', noDomains), rejectsWith('invalid', 'author'));
    await assert.rejects(claimAuthorship(t.db, other.id, '1401.2910', '', noDomains), rejectsWith('invalid', 'author'));
    await assert.rejects(claimAuthorship(t.db, other.id, '1401.2910', 'Troels F. Rønnow', noDomains), rejectsWith('duplicate'));
    await assert.rejects(claimAuthorship(t.db, other.id, '9999.99999', 'Troels F. Rønnow', noDomains), rejectsWith('not_found'));
    const unconfirmed = await makeMember(t.db, 'New', { verified: false });
    await assert.rejects(claimAuthorship(t.db, unconfirmed.id, '1401.2911', 'Troels F. Rønnow', { autoApproveDomains: ['example.org'] }), rejectsWith('unverified'));
  });

  it('lets only moderators decide, refuses in the log, and never approves two members for one name', async () => {
    const first = await claimAuthorship(t.db, other.id, '1401.2911', 'Troels F. Rønnow', noDomains);
    const second = await claimAuthorship(t.db, troels.id, '1401.2911', 'Troels F. Rønnow', noDomains);
    await assert.rejects(approveClaim(t.db, troels.id, second.id, 'it is me'), rejectsWith('forbidden'));
    await assert.rejects(refuseClaim(t.db, other.id, second.id, 'no'), rejectsWith('forbidden'));
    await assert.rejects(approveClaim(t.db, admin.id, second.id, ''), rejectsWith('invalid', 'reason'));
    const own = await claimAuthorship(t.db, admin.id, '1401.2910', 'Joshua Job', noDomains);
    await assert.rejects(approveClaim(t.db, admin.id, own.id, 'it is me'), rejectsWith('forbidden'));
    assert.deepEqual(await approveClaim(t.db, admin.id, first.id, 'looked plausible'), { changed: true });
    await assert.rejects(approveClaim(t.db, admin.id, second.id, 'also plausible'), rejectsWith('duplicate'));
    assert.deepEqual(await refuseClaim(t.db, admin.id, second.id, 'the name is taken'), { changed: true });
    assert.deepEqual((await claimsOf(t.db, troels.id, troels.id)).map((c) => [c.paper.id, c.status]), [['1401.2911', 'refused'], ['1401.2910', 'approved']]);
    assert.deepEqual((await claimsOf(t.db, troels.id, null)).map((c) => c.paper.id), ['1401.2910'], 'others see approved claims only');
    assert.equal((await moderationLog(t.db, { limit: 1 }))[0]!.action, 'refuse_claim');
  });

  it('approves at once for a confirmed address in a domain the operator lists (or below it), logged as the operator’s', async () => {
    await upsertPapers(t.db, [makePaper({ id: '1401.2912', authors: ['Zhihui Wang', 'Joshua Job'] })]);
    const wang = await makeMember(t.db, 'Wang'); // addresses end in @example.org
    const job = await makeMember(t.db, 'Job');
    const approved = await claimAuthorship(t.db, wang.id, '1401.2912', 'Zhihui Wang', { autoApproveDomains: ['org', 'example.org'] });
    assert.equal(approved.status, 'approved');
    const [entry] = await moderationLog(t.db, { limit: 1 });
    assert.deepEqual([entry!.action, entry!.moderator, entry!.reason], ['approve_claim', null, "by the operator's rule: the member's confirmed address is at example.org"]);
    assert.equal((await claimAuthorship(t.db, job.id, '1401.2912', 'Joshua Job', { autoApproveDomains: ['university.example'] })).status, 'pending');
    const sub = await claimAuthorship(t.db, job.id, '1401.2910', 'Joshua Job', { autoApproveDomains: ['exam', 'ple.org'] });
    assert.equal(sub.status, 'pending', 'a domain matches whole labels only');
  });
});

describe('ORCID iDs', () => {
  it('accepts the forms people copy, checked by ISO 7064 MOD 11-2, and stores the hyphenated form', () => {
    assert.equal(normalizeOrcid('0000-0002-1825-0097'), '0000-0002-1825-0097');
    assert.equal(normalizeOrcid(' https://orcid.org/0000-0002-1694-233X '), '0000-0002-1694-233X');
    assert.equal(normalizeOrcid('orcid.org/000000021694233x'), '0000-0002-1694-233X');
    assert.equal(normalizeOrcid('0000 0001 5109 3700'), '0000-0001-5109-3700');
    assert.equal(orcidCheckDigit('000000021825009'), '7');
    assert.equal(normalizeOrcid('0000-0002-1825-0098'), null, 'wrong check digit');
    assert.equal(normalizeOrcid('0000-0002-1825-009'), null, 'too short');
    assert.equal(normalizeOrcid('0000-0002-1825-00X7'), null);
    assert.equal(normalizeOrcid('https://example.org/0000-0002-1825-0097'), null);
  });

  it('is set, refused with the reason, and removed on a member’s profile', async () => {
    const t = await tempDb();
    try {
      const ada = await makeMember(t.db, 'Ada');
      assert.equal(await setOrcid(t.db, ada.id, 'https://orcid.org/0000-0002-1825-0097'), '0000-0002-1825-0097');
      await assert.rejects(setOrcid(t.db, ada.id, '0000-0002-1825-0098'), rejectsWith('invalid', 'orcid'));
      assert.equal(await orcidOf(t.db, ada.id), '0000-0002-1825-0097');
      assert.equal(await setOrcid(t.db, ada.id, ''), null);
      assert.equal(await orcidOf(t.db, ada.id), null);
    } finally {
      await t.cleanup();
    }
  });
});

describe('PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS', () => {
  it('is a list of domains, lower-cased; anything else stops the program naming the variable', () => {
    assert.deepEqual(loadConfig({}).claimAutoApproveDomains, []);
    assert.deepEqual(loadConfig({ PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS: ' MIT.edu, cs.example.org ,' }).claimAutoApproveDomains, ['mit.edu', 'cs.example.org']);
    assert.throws(() => loadConfig({ PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS: 'mit.edu, @gmail.com' }), (e: unknown) => e instanceof ConfigError && /PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS="mit.edu, @gmail.com": must be domain names/.test(e.message));
  });
});
