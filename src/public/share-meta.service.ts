import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock.js';
import type { PageContext } from '../request-context/current.decorators.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { type Alternate, alternatesOf, localizedUrl } from './domain/sitemap.js';
import { TtlCache } from '../common/cache/ttl-cache.js';
import { sharedTranslations } from '../common/web/i18n.js';
import { largestFallbackPath, shareVariant } from '../common/web/image-view.js';

/** What a page says about itself when shared: see templates/partials/share-meta.hbs. */
export interface ShareInput {
  /** The page's path under the tenant's site, without basePath or `lang`, e.g. "/programmes/makers/campaigns/velo". */
  path: string;
  title: string;
  /** Plain text; cut to about 200 characters on a word. */
  description: string;
  /** The campaign's image (absolute, or a path on the site); the tenant's logo when omitted. */
  image?: string | null;
  /** The image's own size in pixels, when known (og:image:width/height let a preview lay out at once). */
  imageWidth?: number;
  imageHeight?: number;
  imageAlt?: string;
  type?: 'website' | 'article';
}

/** The `share` object a page passes to the layout (templates/partials/share-meta.hbs documents each field). */
export interface ShareMeta {
  title: string;
  description: string;
  /** Absolute canonical URL in this language (not `url`: a template helper has that name). */
  canonical: string;
  type: 'website' | 'article';
  image: string | null;
  imageWidth: number | null;
  imageHeight: number | null;
  imageAlt: string;
  twitterCard: 'summary_large_image' | 'summary';
  siteName: string;
  /** Open Graph locales (`fr_FR`): the page's, and the other languages of the site. */
  ogLocale: string;
  ogLocaleAlternates: string[];
  alternates: Alternate[];
}

/** Host names change rarely: a minute's staleness per instance is fine for absolute links. */
const SITE_TTL_MS = 60_000;

export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, '')}…`;
}

/**
 * Builds absolute canonical URLs and the Open Graph / Twitter metadata of public pages, with the
 * tenant's branding. The base is TenantsService.siteUrl (the authority's own host name), whatever
 * address the request came in by, so that every copy of a page points at one canonical URL.
 */
@Injectable()
export class ShareMetaService {
  private readonly sites: TtlCache<string>;

  constructor(
    private readonly tenants: TenantsService,
    clock: Clock,
  ) {
    this.sites = new TtlCache(SITE_TTL_MS, 10_000, () => clock.now().getTime());
  }

  /** The tenant's absolute base URL, without a trailing slash. */
  siteUrl(tenant: Tenant): Promise<string> {
    return this.sites.get(tenant.id, async () => (await this.tenants.siteUrl(tenant)).replace(/\/$/, ''));
  }

  /**
   * What an anonymous rendering of a page depends on besides its data: the language, the authority's
   * languages (switcher, alternates), the address it was asked at, and the site's own address (its
   * canonical and share links: a host changed on another instance is not a change of the tenant row).
   */
  async renderingKey(page: PageContext): Promise<string> {
    return `${page.locale}|${page.tenant.languages.join(',')}|${page.basePath}|${page.path}|${await this.siteUrl(page.tenant)}`;
  }

  /** Absolute URL of a page of the tenant's site in one language (the canonical URL of that language). */
  async canonicalUrl(tenant: Tenant, path: string, locale: Locale): Promise<string> {
    return localizedUrl(await this.siteUrl(tenant), path, locale);
  }

  async build(page: PageContext, input: ShareInput): Promise<ShareMeta> {
    const site = await this.siteUrl(page.tenant);
    // The uploaded logo's largest PNG/JPEG (a path under the site: the site URL may end with /t/<slug>), else the logo's address.
    const logo = input.image ? null : shareVariant(page.tenant.logo, 1200);
    const uploaded = largestFallbackPath(page.tenant.logo);
    const rawImage = input.image ?? (uploaded ? `${site}${uploaded}` : page.tenant.logoUrl);
    const image = rawImage ? absolute(rawImage, site) : null;
    return {
      title: input.title,
      description: excerpt(input.description),
      canonical: localizedUrl(site, input.path, page.locale),
      type: input.type ?? 'website',
      image,
      imageWidth: image ? (input.image ? (input.imageWidth ?? null) : uploaded ? (logo?.width ?? null) : null) : null,
      imageHeight: image ? (input.image ? (input.imageHeight ?? null) : uploaded ? (logo?.height ?? null) : null) : null,
      imageAlt: input.image ? (input.imageAlt ?? '') : (input.imageAlt ?? page.tenant.name),
      // A large card needs an image; without one the small card reads better than an empty frame.
      twitterCard: image ? 'summary_large_image' : 'summary',
      siteName: page.tenant.name,
      ogLocale: ogLocaleOf(page.locale),
      ogLocaleAlternates: page.tenant.languages.filter((l) => l !== page.locale).map(ogLocaleOf),
      alternates: alternatesOf(site, input.path, page.tenant.languages),
    };
  }
}

/** Open Graph writes a locale as language_TERRITORY: the catalogue's Intl tag (`nl-BE` → `nl_BE`). */
function ogLocaleOf(locale: Locale): string {
  return sharedTranslations().intlTag(locale).replace('-', '_');
}

function absolute(url: string, site: string): string | null {
  try {
    return new URL(url, `${site}/`).href;
  } catch {
    return null;
  }
}
