import type { Locale } from './progress.js';

/**
 * Language URLs. The language is chosen by `?lang=` first, then a cookie, then the authority's
 * default (src/request-context/request-context.middleware.ts; Accept-Language is not read). A URL without
 * `?lang=` therefore shows whatever language the visitor's cookie says: each language gets an explicit
 * `?lang=` URL (canonical, og:url, hreflang), and the bare URL is the `x-default` (the address on posters).
 */
export function localizedUrl(site: string, path: string, locale: Locale): string {
  return `${site}${path}${path.includes('?') ? '&' : '?'}lang=${locale}`;
}

export interface Alternate {
  hreflang: Locale | 'x-default';
  href: string;
}

/** One alternate per language the authority offers (in its order), and the bare URL as x-default. */
export function alternatesOf(site: string, path: string, languages: readonly Locale[]): Alternate[] {
  return [...languages.map((l) => ({ hreflang: l, href: localizedUrl(site, path, l) })), { hreflang: 'x-default', href: `${site}${path}` }];
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface SitemapPage {
  /** Path under the site's base, e.g. "/programmes/makers". */
  path: string;
  lastmod: Date | null;
}

/** W3C datetime to the second (sitemaps.org). */
function w3c(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A sitemaps.org urlset: one <url> per page and language the authority offers, each with its hreflang alternates. */
export function sitemapXml(site: string, pages: SitemapPage[], languages: readonly Locale[]): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
  ];
  for (const page of pages) {
    const links = alternatesOf(site, page.path, languages)
      .map((a) => `<xhtml:link rel="alternate" hreflang="${a.hreflang}" href="${escapeXml(a.href)}"/>`)
      .join('');
    for (const locale of languages) {
      out.push(
        `<url><loc>${escapeXml(localizedUrl(site, page.path, locale))}</loc>${page.lastmod ? `<lastmod>${w3c(page.lastmod)}</lastmod>` : ''}${links}</url>`,
      );
    }
  }
  out.push('</urlset>', '');
  return out.join('\n');
}

/** Areas behind a sign-in: nothing there for a crawler. */
export const DISALLOWED = ['/staff', '/jury', '/api', '/me', '/applications', '/coaching'];

/** robots.txt for a site whose pages live under `site` (which may carry a /t/<slug> path in local use). */
export function robotsTxt(site: string): string {
  const prefix = new URL(site).pathname.replace(/\/$/, '');
  return ['User-agent: *', ...DISALLOWED.map((p) => `Disallow: ${prefix}${p}`), '', `Sitemap: ${site}/sitemap.xml`, ''].join('\n');
}
