/**
 * Share links that need no JavaScript and load no third-party script: each is a plain URL the
 * network documents for sharing, carrying the campaign's title and canonical URL (URL-encoded).
 * Mastodon has no central host: the visitor names their instance (see `mastodonInstance`).
 */

export interface ShareLink {
  network: 'email' | 'facebook' | 'linkedin' | 'x' | 'whatsapp' | 'bluesky';
  href: string;
}

const enc = encodeURIComponent;

/** `emailBody`: the e-mail's body in the reader's language (it contains the URL). */
export function shareLinks(url: string, title: string, emailBody: string): ShareLink[] {
  const both = `${title} ${url}`;
  return [
    { network: 'email', href: `mailto:?subject=${enc(title)}&body=${enc(emailBody)}` },
    { network: 'facebook', href: `https://www.facebook.com/sharer/sharer.php?u=${enc(url)}` },
    { network: 'linkedin', href: `https://www.linkedin.com/sharing/share-offsite/?url=${enc(url)}` },
    { network: 'x', href: `https://x.com/intent/post?text=${enc(title)}&url=${enc(url)}` },
    { network: 'whatsapp', href: `https://wa.me/?text=${enc(both)}` },
    { network: 'bluesky', href: `https://bsky.app/intent/compose?text=${enc(both)}` },
  ];
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The host name of a Mastodon instance as a visitor types it ("mastodon.social", "https://piaille.fr/"),
 * or null. Only a bare DNS name is accepted: no scheme but https, no port, path, query, user or IP
 * address, so that the redirect built from it can only be `https://<host>/share?...`.
 */
export function mastodonInstance(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  let s = input.trim().toLowerCase();
  if (s.startsWith('https://')) s = s.slice('https://'.length);
  if (s.endsWith('/')) s = s.slice(0, -1);
  if (!s || s.length > 253 || /[^\p{L}\p{N}.-]/u.test(s)) return null;
  let host: string;
  try {
    host = new URL(`https://${s}/`).hostname; // international names to their ASCII (punycode) form
  } catch {
    return null;
  }
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1])) return null;
  return host;
}

/** Where Mastodon's own share page takes the visitor, on their instance. */
export function mastodonShareUrl(host: string, text: string, url: string): string {
  return `https://${host}/share?text=${enc(`${text} ${url}`)}`;
}
