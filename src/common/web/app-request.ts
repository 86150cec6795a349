import type { Request } from 'express';
import type { Locale } from './i18n.js';

/** What the layout and the error pages read of an authority (the full entity lives in tenants/). */
export interface LayoutTenant {
  slug: string;
  timeZone: string;
  /** The languages the site is offered in, and its default (the first fallback of content). */
  languages: readonly string[];
  defaultLocale: string;
}

/** What the layout reads of the signed-in person (the full Principal lives in auth/). */
export interface LayoutPrincipal {
  roles: readonly string[];
}

/**
 * What the request-context middleware attaches to each request before routing, as far as `common/`
 * needs it. `common/` imports no domain: the app's TremplinRequest (src/request-context/) narrows
 * `tenant` and `principal` to the tenants' and auth's own types.
 */
export interface AppRequest extends Request {
  id: string;
  tenant?: LayoutTenant;
  /** '' when the tenant comes from the Host header, '/t/<slug>' with the local path fallback. */
  basePath: string;
  /** The authority's site URL for links (from configuration, never from request headers). */
  siteUrl: string;
  locale: Locale;
  principal?: LayoutPrincipal;
  csrfToken?: string;
  /** A platform admin, on /platform and /api/platform routes only. */
  platformAdmin?: { id: string; email: string; displayName: string };
  /** The raw session token, for sign-out. */
  sessionToken?: string;
}
