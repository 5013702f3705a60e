import MarkdownIt, { type StateInline } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Comment bodies: a small Markdown subset rendered to HTML that is safe to put in a page as is.
 *
 * Two locks: markdown-it never passes raw HTML (`html: false` escapes it) and makes links only of
 * http(s) URLs; sanitize-html then keeps only the tags and attributes this subset can produce,
 * so a bug or a new feature in the first lock does not open the page to script.
 *
 * The subset: paragraphs and line breaks, emphasis, strong, strikethrough, inline code and code
 * blocks, block quotes, lists, rules, and links (`rel="nofollow ugc noopener"`). No headings,
 * tables or images (an image is a tracking pixel in someone else's browser).
 *
 * Math (`$x^2$`, `$$\sum_i x_i$$`) is kept verbatim, delimiters included, inside
 * `<span class="math-inline">` / `<span class="math-display">`, for KaTeX in the browser to
 * typeset (its auto-render, limited to those spans). It is parsed first so Markdown does not turn
 * `a_1 * b_2` into emphasis. Server-side KaTeX would need a much larger sanitizer allow-list
 * (hundreds of classes and inline styles) for the same picture.
 */
const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false, maxNesting: 20 });
md.disable(['image', 'heading', 'lheading', 'table']);
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
md.validateLink = (url) => /^https?:\/\//i.test(url.trim());
md.inline.ruler.after('escape', 'math', math);
md.renderer.rules.math_inline = (tokens, i) => `<span class="math-inline">${md.utils.escapeHtml(`$${tokens[i]!.content}$`)}</span>`;
md.renderer.rules.math_display = (tokens, i) => `<span class="math-display">${md.utils.escapeHtml(`$$${tokens[i]!.content}$$`)}</span>`;
md.renderer.rules.link_open = (tokens, i, options, _env, self) => {
  tokens[i]!.attrSet('rel', LINK_REL);
  return self.renderToken(tokens, i, options);
};

const LINK_REL = 'nofollow ugc noopener';

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'a', 'span'],
  allowedAttributes: { a: ['href', 'rel'], span: ['class'], code: ['class'], ol: ['start'] },
  allowedClasses: { span: ['math-inline', 'math-display'], code: ['language-*'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: LINK_REL }) },
};

/** Safe HTML for a comment body. */
export function renderMarkdown(body: string): string {
  return sanitizeHtml(md.render(body), SANITIZE);
}

/**
 * `$...$` (inline) and `$$...$$` (display). For single dollars, Pandoc's rule tells prices from
 * math: no space just inside the delimiters, and no digit right after the closing one, so
 * "costs $5 and $10" stays text. `\$` is a literal dollar (markdown-it's escape rule runs first).
 */
function math(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== 0x24) return false;
  const delimiter = src.startsWith('$$', pos) ? '$$' : '$';
  let end = pos + delimiter.length;
  for (;;) {
    end = src.indexOf(delimiter, end);
    if (end < 0 || end + delimiter.length > posMax) return false;
    if (src.charCodeAt(end - 1) !== 0x5c) break; // `\$` inside math does not close it
    end++;
  }
  const content = src.slice(pos + delimiter.length, end);
  if (content.trim() === '') return false;
  if (delimiter === '$' && (/^\s|\s$/.test(content) || /\d/.test(src.charAt(end + 1)))) return false;
  if (!silent) {
    const token = state.push(delimiter === '$$' ? 'math_display' : 'math_inline', 'span', 0);
    token.content = content;
    token.markup = delimiter;
  }
  state.pos = end + delimiter.length;
  return true;
}
