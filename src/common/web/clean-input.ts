import type { FieldProblem } from '../errors/domain-error.js';

/**
 * What every request must respect before any controller sees it, whatever the route: text that
 * PostgreSQL can store, and bodies shallow enough to walk. Pure functions, used by the body parser,
 * a middleware (JSON and form bodies, query strings, paths) and a global pipe (multipart fields).
 */

/** Deeper than any form of the platform (a call's form is 4 levels), far below a stack overflow. */
export const MAX_BODY_DEPTH = 32;

/** At most this many field problems are listed: a body full of NULs gets a short answer. */
const MAX_PROBLEMS = 20;

/**
 * C0 control characters but tab, line feed and carriage return (NUL is refused by PostgreSQL in
 * text and jsonb; the others have no place in anything a person types), and lone UTF-16 surrogates
 * (JSON's "\ud800": PostgreSQL's jsonb refuses them, text would store U+FFFD).
 */
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDFFF]/u;
/** In a path, not even tab or line breaks: %00-%1F. */
const ENCODED_CONTROL = /%[01][0-9a-f]/i;

export const NOT_TEXT_MESSAGE = 'must not contain control characters (such as NUL) or broken Unicode';

export function isCleanText(s: string): boolean {
  return !NOT_TEXT.test(s);
}

/**
 * True when a JSON text opens more than `max` arrays or objects inside one another. Scans the raw
 * bytes before parsing (structural characters are ASCII in UTF-8; those inside strings do not count).
 */
export function jsonDepthExceeds(bytes: Uint8Array, max = MAX_BODY_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: the next byte is escaped
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > max) return true;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Every string (and object key) of a parsed body or query that is not clean text, by its dotted field
 * path ("answers.q1", "rewards.0.title"), under `prefix` if given ("body" for a bare value). Also
 * refuses what nests deeper than MAX_BODY_DEPTH, for parsers that have no limit of their own.
 */
export function textProblems(value: unknown, prefix = ''): FieldProblem[] {
  const root = 'body';
  const problems: FieldProblem[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof v === 'string') {
      if (!isCleanText(v)) problems.push({ field: path || root, message: `${path || root} ${NOT_TEXT_MESSAGE}` });
      return;
    }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return;
    if (depth >= MAX_BODY_DEPTH) {
      problems.push({ field: path || root, message: `${path || root} is nested too deeply (at most ${MAX_BODY_DEPTH} levels)` });
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      const at = path ? `${path}.${key}` : key;
      if (!isCleanText(key)) {
        // The key itself cannot be shown as a field name: it is the name that is wrong.
        const field = `${path ? `${path}.` : ''}${key.replace(/[^\x20-\x7e]/g, '?')}`;
        problems.push({ field, message: `${field}: field names ${NOT_TEXT_MESSAGE}` });
        continue;
      }
      walk(child, at, depth + 1);
    }
  };
  walk(value, prefix, 0);
  return problems;
}

/** The path of a request URL (before "?") holds an encoded control character (%00-%1F). */
export function pathHasControlCharacters(url: string): boolean {
  const q = url.indexOf('?');
  return ENCODED_CONTROL.test(q < 0 ? url : url.slice(0, q));
}
