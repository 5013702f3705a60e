import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addComment,
  deleteComment,
  editComment,
  getComment,
  listComments,
  MAX_COMMENT_LENGTH,
  MAX_COMMENTS_PER_WINDOW,
  type CommentNode,
} from '../../src/community/comments.js';
import { renderMarkdown } from '../../src/community/markdown.js';
import { statsOf } from '../../src/community/paper-stats.js';
import { report } from '../../src/community/reports.js';
import type { User } from '../../src/community/users.js';
import { hideComment } from '../../src/community/moderation.js';
import type { Db } from '../../src/store/db.js';
import { lockRows } from '../../src/store/dialect.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { makeAdmin, makeMember, rejectsWith } from '../support/community.js';
import { racing } from '../support/concurrency.js';

/** `id(children)` outline of a tree, with d/h marking deleted and hidden comments. */
function shape(nodes: CommentNode[]): string {
  return nodes.map((n) => `${n.id}${n.state === 'deleted' ? 'd' : n.state === 'hidden' ? 'h' : ''}${n.children.length ? `(${shape(n.children)})` : ''}`).join(' ');
}

describe('comments', () => {
  let t: TempDb;
  let ada: User;
  let grace: User;
  const P = '2401.00001';
  const commentCount = async () => (await statsOf(t.db, [P])).get(P)!.comments;

  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: P }), makePaper({ id: '2401.00002' })]);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
  });
  after(async () => t.cleanup());

  it('builds threads of replies, oldest first at each level, and counts them', async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const a = await addComment(t.db, ada.id, { paperId: P, body: 'First! *Nice* paper.' }, now);
    assert.equal(a.html, '<p>First! <em>Nice</em> paper.</p>\n');
    assert.deepEqual(a.author, { id: ada.id, username: ada.username, displayName: 'Ada' });
    assert.equal(a.state, 'visible');
    const b = await addComment(t.db, grace.id, { paperId: P, body: 'Agreed.', parentId: a.id }, now);
    const c = await addComment(t.db, ada.id, { paperId: P, body: 'Thanks.', parentId: b.id }, now);
    const d = await addComment(t.db, grace.id, { paperId: P, body: 'Another thread.' }, now);
    const e = await addComment(t.db, grace.id, { paperId: P, body: 'Second reply.', parentId: a.id }, now);

    const tree = await listComments(t.db, P);
    assert.equal(shape(tree), `${a.id}(${b.id}(${c.id}) ${e.id}) ${d.id}`);
    assert.equal(tree[0]!.children[0]!.body, 'Agreed.');
    assert.equal(await commentCount(), 5);
  });

  it('refuses replies to a comment on another paper, to a missing comment, and comments on a missing paper', async () => {
    const other = await addComment(t.db, ada.id, { paperId: '2401.00002', body: 'Elsewhere.' });
    await assert.rejects(addComment(t.db, ada.id, { paperId: P, body: 'x', parentId: other.id }), rejectsWith('invalid', 'parentId'));
    await assert.rejects(addComment(t.db, ada.id, { paperId: P, body: 'x', parentId: 99_999 }), rejectsWith('invalid', 'parentId'));
    await assert.rejects(addComment(t.db, ada.id, { paperId: '2401.99999', body: 'x' }), rejectsWith('not_found'));
    await assert.rejects(addComment(t.db, ada.id, { paperId: P, body: '   \n ' }), rejectsWith('invalid', 'body'));
    await assert.rejects(addComment(t.db, ada.id, { paperId: P, body: 'x'.repeat(MAX_COMMENT_LENGTH + 1) }), rejectsWith('invalid', 'body'));
    assert.equal(await commentCount(), 5);
  });

  it('lets only the author edit or delete; another member is refused', async () => {
    const [first] = await listComments(t.db, P);
    await assert.rejects(editComment(t.db, grace.id, first!.id, 'Hijacked'), rejectsWith('forbidden'));
    await assert.rejects(deleteComment(t.db, grace.id, first!.id), rejectsWith('forbidden'));
    const edited = await editComment(t.db, ada.id, first!.id, 'First! **Great** paper.', new Date('2026-11-27T10:05:00Z'));
    assert.equal(edited.html, '<p>First! <strong>Great</strong> paper.</p>\n');
    assert.equal(edited.editedAt, '2026-11-27T10:05:00.000Z');
    assert.equal((await getComment(t.db, first!.id))?.body, 'First! **Great** paper.');
  });

  it('deletes softly: the text goes, replies keep their place, leaves without replies disappear', async () => {
    const [first, second] = await listComments(t.db, P);
    await deleteComment(t.db, ada.id, first!.id);
    assert.equal(await commentCount(), 4);
    const stored = await t.db.selectFrom('comments').select(['body', 'deleted_at']).where('id', '=', first!.id).executeTakeFirstOrThrow();
    assert.equal(stored.body, '');
    assert.ok(stored.deleted_at);

    const tree = await listComments(t.db, P);
    const placeholder = tree[0]!;
    assert.equal(placeholder.id, first!.id);
    assert.equal(placeholder.state, 'deleted');
    assert.equal(placeholder.author, null);
    assert.equal(placeholder.html, '');
    assert.equal(placeholder.children.length, 2);

    await deleteComment(t.db, grace.id, second!.id);
    assert.equal(shape(await listComments(t.db, P)).includes(String(second!.id)), false);
    await assert.rejects(editComment(t.db, grace.id, second!.id, 'back'), rejectsWith('not_found'));
    await assert.rejects(deleteComment(t.db, grace.id, second!.id), rejectsWith('not_found'));
    await assert.rejects(addComment(t.db, ada.id, { paperId: P, body: 'reply', parentId: first!.id }), rejectsWith('invalid', 'parentId'));
    assert.equal(await commentCount(), 3);
  });

  it(`allows ${MAX_COMMENTS_PER_WINDOW} comments in ten minutes per member`, async () => {
    const member = await makeMember(t.db, 'Chatty');
    const now = new Date('2026-11-27T12:00:00Z');
    for (let i = 0; i < MAX_COMMENTS_PER_WINDOW; i++) await addComment(t.db, member.id, { paperId: '2401.00002', body: `n${i}` }, now);
    await assert.rejects(addComment(t.db, member.id, { paperId: '2401.00002', body: 'one more' }, now), rejectsWith('rate_limited'));
    await addComment(t.db, member.id, { paperId: '2401.00002', body: 'later' }, new Date(now.getTime() + 10 * 60_000 + 1));
  });

  it('takes reports of comments, once per member while open', async () => {
    const c = await addComment(t.db, ada.id, { paperId: '2401.00002', body: 'Buy cheap watches' });
    const r1 = await report(t.db, grace.id, { target: { type: 'comment', id: c.id }, reason: 'spam' });
    const r2 = await report(t.db, grace.id, { target: { type: 'comment', id: c.id }, reason: 'spam!!' });
    assert.deepEqual([r1.created, r2.created, r1.id === r2.id], [true, false, true]);
    await assert.rejects(report(t.db, grace.id, { target: { type: 'comment', id: 424242 }, reason: 'spam' }), rejectsWith('not_found'));
    await assert.rejects(report(t.db, grace.id, { target: { type: 'paper', id: P }, reason: ' ' }), rejectsWith('invalid', 'reason'));
  });

  // Two requests at once (a double submit, two processes): both read the comment as live before
  // either writes. It must stop counting once.
  describe('at the same time', () => {
    const Q = '2401.00003';
    const countOf = async () => (await statsOf(t.db, [Q])).get(Q)!.comments;
    const lockComment = (id: number) => (trx: Db) => lockRows(trx, trx.selectFrom('comments').select('id').where('id', '=', id)).execute();
    before(() => upsertPapers(t.db, [makePaper({ id: Q })]));

    it('a comment deleted twice at once counts down once', async () => {
      const kept = await addComment(t.db, grace.id, { paperId: Q, body: 'Stays.' });
      const c = await addComment(t.db, ada.id, { paperId: Q, body: 'Oops.' });
      const results = await racing(t, lockComment(c.id), () => [deleteComment(t.db, ada.id, c.id), deleteComment(t.db, ada.id, c.id)], 2);
      // The second may find the comment gone already (not_found) or delete nothing: either way it counts nothing.
      for (const r of results) if (r.status === 'rejected') rejectsWith('not_found')(r.reason);
      assert.equal(await countOf(), 1);
      assert.equal((await getComment(t.db, kept.id))?.state, 'visible');
      assert.equal((await getComment(t.db, c.id))?.state, 'deleted');
      await deleteComment(t.db, grace.id, kept.id);
      assert.equal(await countOf(), 0);
    });

    it('a comment hidden by a moderator while its author deletes it counts down once', async () => {
      const admin = await makeAdmin(t.db, 'Moderator');
      const kept = await addComment(t.db, grace.id, { paperId: Q, body: 'Stays.' });
      const c = await addComment(t.db, ada.id, { paperId: Q, body: 'Spam.' });
      const results = await racing(t, lockComment(c.id), () => [deleteComment(t.db, ada.id, c.id), hideComment(t.db, admin.id, c.id, 'spam').then(() => {})], 2);
      for (const r of results) if (r.status === 'rejected') rejectsWith('not_found')(r.reason);
      assert.equal(await countOf(), 1);
      await deleteComment(t.db, grace.id, kept.id);
      assert.equal(await countOf(), 0);
    });
  });
});

/** Every real tag (escaped text aside) is one of the subset's, with only its attributes, and links are http(s). */
function assertInert(html: string): void {
  const allowed: Record<string, string[]> = { a: ['href', 'rel'], span: ['class'], code: ['class'], ol: ['start'] };
  for (const [, tag, attrs] of html.matchAll(/<([a-z]+)([^>]*)>/gi)) {
    assert.ok(['p', 'br', 'em', 'strong', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'a', 'span'].includes(tag!), `tag ${tag}`);
    for (const [, name, value] of attrs!.matchAll(/([^\s=/]+)="([^"]*)"/g)) {
      assert.ok((allowed[tag!] ?? []).includes(name!), `attribute ${name} on ${tag}`);
      if (name === 'href') assert.match(value!, /^https?:\/\//);
    }
  }
}

describe('comment rendering', () => {
  const hostile: [string, string][] = [
    ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'],
    ['<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>\n'],
    ['[click](javascript:alert(1))', '<p>[click](javascript:alert(1))</p>\n'],
    ['[click](JaVaScRiPt:alert(1))', '<p>[click](JaVaScRiPt:alert(1))</p>\n'],
    ['[click](&#106;avascript:alert(1))', '<p>[click](javascript:alert(1))</p>\n'],
    ['[click](data:text/html;base64,PHNjcmlwdD4=)', '<p>[click](data:text/html;base64,PHNjcmlwdD4=)</p>\n'],
    ['<javascript:alert(1)>', '<p>&lt;javascript:alert(1)&gt;</p>\n'],
    ['<a href="javascript:alert(1)" onclick="x()">x</a>', '<p>&lt;a href="javascript:alert(1)" onclick="x()"&gt;x&lt;/a&gt;</p>\n'],
    ['<div style="position:fixed">overlay</div>', '<p>&lt;div style="position:fixed"&gt;overlay&lt;/div&gt;</p>\n'],
    ['![pixel](https://tracker.example/p.png)', '<p>!<a href="https://tracker.example/p.png" rel="nofollow ugc noopener">pixel</a></p>\n'],
    ['```js" onmouseover="alert(1)\nx\n```', '<pre><code class="language-js&quot;">x\n</code></pre>\n'],
    ['$<script>alert(1)</script>$', '<p><span class="math-inline">$&lt;script&gt;alert(1)&lt;/script&gt;$</span></p>\n'],
  ];
  for (const [body, expected] of hostile) {
    it(`renders ${JSON.stringify(body)} inert`, () => {
      const html = renderMarkdown(body);
      assert.equal(html, expected);
      assertInert(html);
    });
  }

  it('keeps the allowed subset: links with rel, code, emphasis, lists, quotes, line breaks', () => {
    assert.equal(
      renderMarkdown('See [the code](https://github.com/a/b "t") or https://arxiv.org/abs/2401.12345, `x < y`, _em_ ~~old~~\nnext line'),
      '<p>See <a href="https://github.com/a/b" rel="nofollow ugc noopener">the code</a> or <a href="https://arxiv.org/abs/2401.12345" rel="nofollow ugc noopener">https://arxiv.org/abs/2401.12345</a>, <code>x &lt; y</code>, <em>em</em> <s>old</s><br />\nnext line</p>\n',
    );
    assert.equal(renderMarkdown('> quoted\n\n- a\n- b'), '<blockquote>\n<p>quoted</p>\n</blockquote>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n');
    assert.equal(renderMarkdown('# Not a heading'), '<p># Not a heading</p>\n');
    assert.equal(renderMarkdown('www.example.org'), '<p>www.example.org</p>\n');
  });

  it('leaves math as text spans for KaTeX, and does not read it as Markdown', () => {
    assert.equal(
      renderMarkdown('Let $a_1 * b_2 * c$ and $$\\sum_{i} x_i^2$$.'),
      '<p>Let <span class="math-inline">$a_1 * b_2 * c$</span> and <span class="math-display">$$\\sum_{i} x_i^2$$</span>.</p>\n',
    );
    assert.equal(renderMarkdown('It costs $5 and $10.'), '<p>It costs $5 and $10.</p>\n');
    assert.equal(renderMarkdown('A literal \\$x$ dollar'), '<p>A literal $x$ dollar</p>\n');
    assert.equal(renderMarkdown('`$x$` in code'), '<p><code>$x$</code> in code</p>\n');
  });
});
