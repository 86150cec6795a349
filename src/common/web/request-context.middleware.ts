import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { AuthService } from '../../auth/auth.service.js';
import { hmac, newSecretToken, safeEqual } from '../../auth/domain/tokens.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { DomainError } from '../errors/domain-error.js';
import { setCookie } from './cookies.js';
import { LOCALE_COOKIE, pickLocale } from './i18n.js';
import type { TremplinRequest } from './request-context.js';

export const SESSION_COOKIE = 'tremplin_session';
export const CSRF_COOKIE = 'tremplin_csrf';
export { LOCALE_COOKIE };

/**
 * Paths served without a tenant (load balancers and operators, API docs, static assets). Without the
 * /t/<slug> prefix they are answered without looking a tenant up: health checks must not need the
 * database to say whether the process is alive, nor fail differently when it is down.
 */
const TENANTLESS = [/^\/healthz(\/live|\/ready)?$/, /^\/api\/docs/, /^\/assets\//, /^\/favicon\.ico$/];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  readonly handle = (req: TremplinRequest, res: Response, next: NextFunction): void => {
    this.run(req, res).then(() => next(), next);
  };

  private async run(req: TremplinRequest, res: Response): Promise<void> {
    const incomingId = req.headers['x-request-id'];
    req.id = typeof incomingId === 'string' && /^[\w.-]{1,64}$/.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    req.basePath = '';

    const prefixed = /^\/t\/([a-z0-9][a-z0-9-]{1,62})(\/.*)?$/.exec(req.url.split('?')[0]);
    if (!prefixed && TENANTLESS.some((re) => re.test(req.url.split('?')[0]))) return;
    if (prefixed) {
      req.tenant = (await this.tenants.resolve('slug', prefixed[1])) ?? undefined;
      if (req.tenant) {
        req.basePath = `/t/${prefixed[1]}`;
        req.url = req.url.slice(req.basePath.length) || '/';
        if (req.url.startsWith('?')) req.url = `/${req.url}`;
      }
    } else {
      const host = (req.headers.host ?? '').toLowerCase();
      req.tenant = (await this.tenants.resolve('host', host)) ?? (await this.tenants.resolve('host', host.split(':')[0])) ?? undefined;
    }
    const path = req.url.split('?')[0];
    if (!req.tenant) {
      if (TENANTLESS.some((re) => re.test(path))) return;
      throw new DomainError('TENANT_UNKNOWN');
    }

    const cookies = (req.cookies ?? {}) as Record<string, string>;
    const queryLang = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    if (queryLang === 'fr' || queryLang === 'en') this.setCookie(req, res, LOCALE_COOKIE, queryLang, 365 * 86_400, false);
    req.locale = pickLocale(queryLang, cookies[LOCALE_COOKIE], req.tenant.defaultLocale);

    const authz = req.headers.authorization;
    const bearer = authz?.startsWith('Bearer ') ? authz.slice(7).trim() : undefined;
    const session = bearer ? undefined : cookies[SESSION_COOKIE];
    if (bearer || session) {
      req.principal = await this.auth.principalFor(req.tenant.id, { bearer, session });
      if (session && req.principal) req.sessionToken = session;
    }

    // CSRF: a per-browser random cookie, and forms carry its HMAC. Bearer-token calls carry no
    // ambient credential and need none.
    let csrfCookie = cookies[CSRF_COOKIE];
    if (!csrfCookie && !bearer) {
      csrfCookie = newSecretToken();
      this.setCookie(req, res, CSRF_COOKIE, csrfCookie, undefined, true);
    }
    if (csrfCookie) req.csrfToken = hmac(this.config.appSecret, `csrf:${csrfCookie}`);
    if (UNSAFE.has(req.method) && !bearer) {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const needsToken = !!session || FORM_TYPES.includes(type);
      if (needsToken) {
        const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'] ?? req.query._csrf;
        if (typeof sent !== 'string' || !cookies[CSRF_COOKIE] || !safeEqual(sent, req.csrfToken!)) {
          throw new DomainError('CSRF_INVALID');
        }
        if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
      }
    }
  }

  private setCookie(req: TremplinRequest, res: Response, name: string, value: string, maxAgeSeconds: number | undefined, httpOnly = true): void {
    setCookie(this.config, req, res, name, value, maxAgeSeconds, httpOnly);
  }
}
