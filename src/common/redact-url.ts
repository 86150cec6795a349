/**
 * URLs as logs may keep them: the secrets that travel in a path or a query string are replaced by
 * REDACTED. Used by the request logger (request URL, Referer, Location) and the error reports, so
 * that whoever reads the logs cannot sign in, read a calendar, confirm a pledge or see a contribution.
 */
export const REDACTED = '[redacted]';

/**
 * Path segments that are secrets, after an optional /t/<slug> prefix:
 * - a one-time sign-in link (GET shows it, POST consumes it);
 * - a laureate's calendar feed;
 * - a contribution's reference (its status page, API and page, is its only key); "confirm" is the
 *   pledge-confirmation route, whose token is in the query string;
 * - an unsubscribe link's token (it names the address, which logs must not keep, and stops its e-mails);
 * - a link to a person's data (it downloads everything the authority keeps about them), on its page and
 *   in the API (staff's `/staff/privacy/requests/<id>` is an id, not a secret, and is kept);
 * - an application's contact-address confirmation link.
 */
const SECRET_SEGMENTS: ReadonlyArray<[RegExp, string]> = [
  [/(\/sign-in\/link\/)[^/?#]+/g, `$1${REDACTED}`],
  [/(\/coaching\/calendar\/)[^/?#]+?(\.ics)?(?=$|[/?#])/g, `$1${REDACTED}$2`],
  [/(\/contributions\/)(?!confirm(?:$|[/?#]))[^/?#]+/g, `$1${REDACTED}`],
  [/(\/unsubscribe\/)[^/?#]+/g, `$1${REDACTED}`],
  [/(?<!\/staff)(\/privacy\/requests\/)(?!new(?:$|[/?#]))[^/?#]+/g, `$1${REDACTED}`],
  [/(\/api\/privacy\/links\/)[^/?#]+/g, `$1${REDACTED}`],
  [/(\/applications\/contact-email\/)(?!confirm(?:$|[/?#]))[^/?#]+/g, `$1${REDACTED}`],
];

/** Query parameters that are secrets, by name: tokens of any kind, CSRF tokens, passwords, keys. */
const SECRET_PARAM = /token|secret|passw|csrf|signature|^sig$|^key$|api[-_]?key|^code$|session|auth/i;

function redactPath(path: string): string {
  let out = path;
  for (const [re, by] of SECRET_SEGMENTS) out = out.replace(re, by);
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The URL (a path with its query string, or an absolute URL) with its secrets replaced. A query
 * value that is itself a path (?next=/sign-in/link/...) is redacted as one; a #fragment is dropped.
 */
export function redactUrl(url: string | undefined | null): string {
  if (!url) return '';
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf('?');
  const path = redactPath(q < 0 ? beforeHash : beforeHash.slice(0, q));
  if (q < 0) return path;
  const query = beforeHash
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return pair;
      if (SECRET_PARAM.test(decode(name))) return `${name}=${REDACTED}`;
      const value = decode(pair.slice(eq + 1));
      const redacted = redactPath(value);
      return redacted === value ? pair : `${name}=${encodeURIComponent(redacted)}`;
    });
  return `${path}?${query.join('&')}`;
}
