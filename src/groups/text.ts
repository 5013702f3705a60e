import { invalid } from '../community/errors.js';

/**
 * Text a member writes over several lines (a description, a note, session notes): line ends made
 * `\n`, trimmed, at most `max` characters, and no control characters but line breaks and tabs, nor
 * the bidi overrides used to disguise text. Refused with `invalid` on `field`, naming `what`.
 */
export function multilineText(raw: unknown, field: string, max: number, what: string): string {
  const text = typeof raw === 'string' ? raw.normalize('NFC').replace(/\r\n?/g, '\n').trim() : '';
  if ([...text].length > max) throw invalid(field, `${what} can be at most ${max} characters long.`);
  // eslint-disable-next-line no-control-regex -- line breaks and tabs are fine, other control characters are not
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text)) throw invalid(field, `${what} contains control characters.`);
  return text;
}
