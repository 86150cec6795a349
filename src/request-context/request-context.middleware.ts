import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { hmac, newSecretToken, safeEqual } from '../auth/domain/tokens.js';
import { DomainError } from '../common/errors/domain-error.js';
import { CSRF_COOKIE, PLATFORM_SESSION_COOKIE, SESSION_COOKIE, setCookie } from '../common/web/cookies.js';
import type { CsrfRequest } from '../common/web/multipart-form.js';
import { LOCALE_COOKIE, localeFromAcceptLanguage, pickLocale, sharedTranslations } from '../common/web/i18n.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { PlatformService } from '../platform/platform.service.js';
import { parseHostHeader, type ParsedHost, servesPathPrefix } from '../tenants/domain/hosts.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { TremplinRequest } from './request-context.js';
const PLATFORM_PATH = /^\/(api\/)?platform(\/|$)/;

/**
 * Paths served without a tenant (load balancers and operators, API docs, static assets). Without the
 * /t/<slug> prefix they are answered without looking a tenant up: health checks must not need the
 * database to say whether the process is alive, nor fail differently when it is down.
 */
const TENANTLESS = [/^\/healthz(\/live|\/ready)?$/, /^\/api\/docs/, /^\/assets\//, /^\/favicon\.ico$/];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
/**
 * Exempt from the CSRF check, on purpose: RFC 8058's one-click unsubscribe is a POST a mail client
 * makes without any cookie. What authorises it is the signed token in the URL (which only the address's
 * own mailbox received); a forged request would need that token, and could then only unsubscribe.
 */
const CSRF_EXEMPT = /^\/unsubscribe\/[^/]+$/;

/**
 * Runs before routing: gives the request its id, its tenant (Host header, or the /t/<slug> prefix
 * for local use, which is stripped from the URL), its language, the signed-in person, and checks the
 * CSRF token of every cookie-authenticated or form request.
 */
@Injectable()
export class RequestContextMiddleware {
  constructor(
    private readonly tenants: TenantsService,
    private readonly auth: AuthService,
    private readonly platform: PlatformService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  readonly handle = (req: TremplinRequest, res: Response, next: NextFunction): void => {
    this.run(req, res).then((answered) => {
      if (answered !== 'answered') next();
    }, next);
  };

  private async run(req: TremplinRequest, res: Response): Promise<'answered' | void> {
    const incomingId = req.headers['x-request-id'];
    req.id = typeof incomingId === 'string' && /^[\w.-]{1,64}$/.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    req.basePath = '';

    // The Host header only chooses the authority, read strictly; links come from configuration.
    const host = parseHostHeader(req.headers.host);
    const installationHost = !!host && servesPathPrefix(host, this.config.publicUrl, this.config.env === 'production');

    // The installation's back-office needs no authority. Its API takes a platform token on any host;
    // its pages (a cookie to protect) are served only under PUBLIC_URL's host (or loopback outside
    // production), never on an authority's own domain.
    const pathOnly = req.url.split('?')[0];
    if (PLATFORM_PATH.test(pathOnly)) {
      if (!pathOnly.startsWith('/api/') && !installationHost) throw new DomainError('TENANT_UNKNOWN');
      return this.platformContext(req, res);
    }
    const prefixed = /^\/t\/([a-z0-9][a-z0-9-]{1,62})(\/.*)?$/.exec(req.url.split('?')[0]);
    if (!prefixed && TENANTLESS.some((re) => re.test(req.url.split('?')[0]))) return;
    if (prefixed && host) {
      const tenant = await this.tenants.resolve('slug', prefixed[1]);
      if (
        tenant &&
        (servesPathPrefix(host, this.config.publicUrl, this.config.env === 'production') || (await this.registeredTenant(host))?.tenant.id === tenant.id)
      ) {
        req.tenant = tenant;
        req.siteUrl = await this.tenants.siteUrl(tenant);
        req.basePath = `/t/${prefixed[1]}`;
        req.url = req.url.slice(req.basePath.length) || '/';
        if (req.url.startsWith('?')) req.url = `/${req.url}`;
      }
    } else if (host) {
      const found = await this.registeredTenant(host);
      if (found) {
        req.tenant = found.tenant;
        req.siteUrl = this.tenants.registeredHostUrl(found.host);
      }
    }
    const path = req.url.split('?')[0];
    if (!req.tenant) {
      if (TENANTLESS.some((re) => re.test(path))) return;
      // A new installation's address, before any authority serves it: the way in is the back-office.
      if (path === '/' && installationHost && req.method === 'GET') {
        res.redirect(303, '/platform');
        return 'answered';
      }
      throw new DomainError('TENANT_UNKNOWN');
    }
    // A suspended authority's site and API answer one clear page; its data stays as it was.
    if (req.tenant.suspendedAt && !TENANTLESS.some((re) => re.test(path))) {
      req.locale = req.tenant.defaultLocale;
      throw new DomainError('TENANT_SUSPENDED', { authority: req.tenant.name });
    }

    const cookies = (req.cookies ?? {}) as Record<string, string>;
    const queryLang = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const offered = req.tenant.languages;
    if (queryLang && offered.includes(queryLang)) this.setCookie(req, res, LOCALE_COOKIE, queryLang, 365 * 86_400, false);
    // Pages: the visitor's choice, then the authority's language. The API also reads Accept-Language.
    const acceptLanguage = path.startsWith('/api') ? localeFromAcceptLanguage(req.headers['accept-language'], offered) : undefined;
    req.locale = pickLocale(offered, queryLang, cookies[LOCALE_COOKIE], acceptLanguage, req.tenant.defaultLocale);

    const authz = req.headers.authorization;
    const bearer = authz?.startsWith('Bearer ') ? authz.slice(7).trim() : undefined;
    const session = bearer ? undefined : cookies[SESSION_COOKIE];
    if (bearer || session) {
      const found = await this.auth.authenticate(req.tenant.id, { bearer, session });
      if (found) {
        req.principal = found.principal;
        req.credential = found.credential;
        if (session) {
          req.sessionToken = session;
          // The session's expiry moved forward: so does the cookie's, or the browser would drop it first.
          if (found.renewed) this.setCookie(req, res, SESSION_COOKIE, session, this.config.sessionTtlDays * 86_400, true);
        }
      }
    }

    this.checkCsrf(req, res, { bearer, session });
  }

  private async platformContext(req: TremplinRequest, res: Response): Promise<void> {
    const cookies = (req.cookies ?? {}) as Record<string, string>;
    const queryLang = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const offered = sharedTranslations().locales;
    if (queryLang && offered.includes(queryLang)) this.setCookie(req, res, LOCALE_COOKIE, queryLang, 365 * 86_400, false);
    req.locale = pickLocale(offered, queryLang, cookies[LOCALE_COOKIE], localeFromAcceptLanguage(req.headers['accept-language'], offered), 'en');
    const authz = req.headers.authorization;
    const bearer = authz?.startsWith('Bearer ') ? authz.slice(7).trim() : undefined;
    const session = bearer ? undefined : cookies[PLATFORM_SESSION_COOKIE];
    if (bearer || session) {
      const admin = await this.platform.adminFor({ bearer, session });
      if (admin) req.platformAdmin = { id: admin.id, email: admin.email, displayName: admin.displayName };
      if (session && admin) req.sessionToken = session;
    }
    this.checkCsrf(req, res, { bearer, session });
  }

  /**
   * CSRF: a per-browser random cookie, and forms carry its HMAC. Bearer-token calls carry no ambient
   * credential and need none.
   */
  private checkCsrf(req: TremplinRequest, res: Response, credential: { bearer?: string; session?: string }): void {
    const cookies = (req.cookies ?? {}) as Record<string, string>;
    const csrfCookie = cookies[CSRF_COOKIE];
    // The token (and a new browser's cookie) is made when something reads it: a page with a form, an
    // error page. A cookieless JSON call (a contribution from an app) costs neither a cookie nor an HMAC.
    let token: string | undefined;
    Object.defineProperty(req, 'csrfToken', {
      configurable: true,
      enumerable: true,
      get: () => {
        if (token !== undefined) return token;
        let value = csrfCookie;
        if (!value && !credential.bearer && !res.headersSent) {
          value = newSecretToken();
          this.setCookie(req, res, CSRF_COOKIE, value, undefined, true);
        }
        if (value) token = hmac(this.config.appSecret, `csrf:${value}`);
        return token;
      },
      set: (v: string | undefined) => {
        token = v;
      },
    });
    if (req.method === 'POST' && CSRF_EXEMPT.test(req.url.split('?')[0])) return;
    if (UNSAFE.has(req.method) && !credential.bearer) {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const needsToken = !!credential.session || FORM_TYPES.includes(type);
      if (needsToken) {
        const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'] ?? req.query._csrf;
        if (sent === undefined && type === 'multipart/form-data' && cookies[CSRF_COOKIE]) {
          // The token is in the body, which is parsed later: checked by the route (common/web/multipart-form.ts).
          (req as CsrfRequest).csrfDeferred = true;
          return;
        }
        if (typeof sent !== 'string' || !cookies[CSRF_COOKIE] || !safeEqual(sent, req.csrfToken!)) {
          throw new DomainError('CSRF_INVALID');
        }
        if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
      }
    }
  }

  /** The authority registered for `name:port`, else for `name` (a site reached on another port). */
  private async registeredTenant(host: ParsedHost): Promise<{ tenant: Tenant; host: string } | undefined> {
    const exact = await this.tenants.resolve('host', host.host);
    if (exact) return { tenant: exact, host: host.host };
    if (host.port === undefined) return undefined;
    const byName = await this.tenants.resolve('host', host.name);
    return byName ? { tenant: byName, host: host.name } : undefined;
  }

  private setCookie(req: TremplinRequest, res: Response, name: string, value: string, maxAgeSeconds: number | undefined, httpOnly = true): void {
    setCookie(this.config, req, res, name, value, maxAgeSeconds, httpOnly);
  }
}
