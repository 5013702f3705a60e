import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A response or file that is not a feed at all (HTML error page, truncated or empty XML,
 * an arXiv API error entry). Thrown by the page parsers; per-record problems are
 * `RecordError` items instead.
 */
export class FeedError extends Error {
  constructor(
    /** File path or URL the text came from. */
    readonly where: string,
    /** What is wrong, without the `where` prefix. */
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'FeedError';
  }
}

/** A parsed XML element as fast-xml-parser returns it: children by name, attributes as `@_name`, text as `#text`. */
export type XmlNode = Record<string, unknown>;

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // `arxiv:doi`, `opensearch:totalResults`, `oai:...` are matched by local name, whatever the prefix.
  removeNSPrefix: true,
  // Keep every value a string: `1601.00010` must not become the number 1601.0001.
  parseTagValue: false,
  parseAttributeValue: false,
  // Numeric character references (`&#233;`) are decoded only with this on.
  htmlEntities: true,
});

/** A short, printable start of a response body for error messages. */
export function snippet(text: string, max = 60): string {
  const s = text.trimStart().slice(0, max).replace(/\s+/g, ' ');
  return text.trimStart().length > max ? `${s}...` : s;
}

/**
 * Parses a whole XML document and returns its root element's name (namespace prefix removed)
 * and content. Throws FeedError when the text is empty, not well-formed (truncated, HTML) or
 * its root is not `expectedRoot`.
 */
export function loadFeedXml(xml: string, where: string, expectedRoot: string, what: string): XmlNode {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') throw new FeedError(where, `empty response, expected ${what}`);
  if (!text.trimStart().startsWith('<')) {
    throw new FeedError(where, `not XML, expected ${what}; text starts "${snippet(text)}"`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line } = valid.err;
    throw new FeedError(
      where,
      `not well-formed XML (truncated or an error page?), expected ${what}: ${msg} at line ${line}; text starts "${snippet(text)}"`,
    );
  }
  let doc: unknown;
  try {
    doc = xmlParser.parse(text);
  } catch (e) {
    throw new FeedError(where, `cannot parse XML, expected ${what}: ${(e as Error).message}`);
  }
  const top = asNode(doc);
  const rootName = top ? Object.keys(top).find((k) => !k.startsWith('?') && !k.startsWith('#') && !k.startsWith('!')) : undefined;
  if (!top || rootName === undefined) throw new FeedError(where, `no root element, expected ${what}`);
  if (rootName !== expectedRoot) {
    throw new FeedError(where, `root element is <${rootName}>, expected ${what} (<${expectedRoot}>)`);
  }
  const root = top[rootName];
  // `<feed/>` or `<feed>text</feed>` parse to a string: an empty element.
  return asNode(root) ?? {};
}

export function asNode(x: unknown): XmlNode | null {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as XmlNode) : null;
}

/** An element that may occur once or many times, as a list. */
export function list(x: unknown): unknown[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/** The first child element of that name. */
export function child(node: unknown, name: string): unknown {
  const n = asNode(node);
  if (!n) return undefined;
  const c = n[name];
  return Array.isArray(c) ? c[0] : c;
}

/** An element's text, trimmed; null when absent or empty. */
export function text(x: unknown): string | null {
  const v = Array.isArray(x) ? x[0] : x;
  let s: string | null = null;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else {
    const n = asNode(v);
    const t = n?.['#text'];
    if (typeof t === 'string') s = t;
    else if (typeof t === 'number') s = String(t);
  }
  if (s === null) return null;
  s = s.trim();
  return s === '' ? null : s;
}

/** An attribute's value; null when absent. */
export function attr(x: unknown, name: string): string | null {
  const v = asNode(Array.isArray(x) ? x[0] : x)?.[`@_${name}`];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** A non-negative integer from element text or attribute; null when absent or not a number. */
export function int(s: string | null): number | null {
  if (s === null) return null;
  const t = s.trim();
  if (!/^\d+$/.test(t)) return null;
  return Number(t);
}
