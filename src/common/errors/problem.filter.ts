import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { redactUrl } from '../redact-url.js';
import type { AppRequest } from '../web/app-request.js';
import { type Locale, LOCALE_COOKIE, localeFromAcceptLanguage, pickLocale, sharedTranslations } from '../web/i18n.js';
import { ViewService } from '../web/view.service.js';
import { DomainError, type FieldProblem } from './domain-error.js';
import type { ErrorMessages } from './error-messages.js';
import { localizeProblems } from './validation.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldProblem[];
  requestId: string;
  [extra: string]: unknown;
}

/**
 * The members every problem has. A DomainError's details become extension members beside them, but
 * never in their place: a detail named `status` (a campaign's "live") once replaced the HTTP status and
 * turned a 409 into a 500. Such a detail still feeds the message's placeholders; it is not repeated.
 */
export const PROBLEM_MEMBERS: ReadonlySet<string> = new Set(['type', 'title', 'status', 'detail', 'code', 'errors', 'requestId', 'instance']);

function extensionMembers(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([name]) => !PROBLEM_MEMBERS.has(name)));
}

/** How long clients are asked to wait while the database is unreachable (a restart takes seconds). */
export const RETRY_AFTER_SECONDS = 30;

const STATUS_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * The one exception filter. API requests get application/problem+json (RFC 9457) naming each bad
 * field; page requests get an HTML error page. A database that cannot be reached answers 503 with
 * Retry-After. Anything unexpected is logged with the request id and answered 500 without internals.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<AppRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    const html = wantsHtml(req);
    // Without a tenant (unknown host, or the database down so none could be looked up), the language
    // comes from the request itself.
    const locale = req.locale ?? requestLocale(req, html ? 'fr' : 'en');
    const problem = this.toProblem(exception, req, locale);
    if (problem.code === 'SERVICE_UNAVAILABLE') {
      // An outage, not a bug: one line per request, without a stack.
      this.logger.warn({ requestId: req.id, url: redactUrl(req.originalUrl ?? req.url), reason: (exception as Error)?.message }, 'database unavailable');
    } else if (problem.status >= 500) {
      // The URL may carry a secret (a sign-in link, a calendar feed): only its redacted form is logged.
      this.logger.error({ err: exception, requestId: req.id, method: req.method, url: redactUrl(req.originalUrl ?? req.url) }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (
      problem.retryAfterSeconds &&
      (problem.code === 'RATE_LIMITED' || problem.code === 'SERVICE_UNAVAILABLE' || problem.code === 'PAYMENT_PROVIDER_UNAVAILABLE')
    ) {
      res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    }
    const platform = isPlatformPath(req);
    if (problem.status === 401 && html && req.method === 'GET') {
      // Platform admins sign in on the platform's own page (with an e-mailed link: no destination kept).
      res.redirect(303, platform ? '/platform/sign-in' : `${req.basePath ?? ''}/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (html && platform) {
      const page = this.views.platformPage(
        'pages/errors/error',
        {
          locale: req.locale ?? 'en',
          path: '/platform',
          admin: req.platformAdmin,
          csrfToken: req.csrfToken,
        },
        { title: problem.title, problem, homeHref: '/platform' },
      );
      res.status(problem.status).type('html').send(page);
      return;
    }
    if (html && req.tenant) {
      const page = this.views.page(
        'pages/errors/error',
        {
          // The error page echoes nothing of the request (its language switch leads home).
          tenant: req.tenant,
          locale,
          basePath: req.basePath ?? '',
          path: '/',
          principal: req.principal,
          csrfToken: req.csrfToken,
        },
        { title: problem.title, problem },
      );
      res.status(problem.status).type('html').send(page);
      return;
    }
    if (html && problem.code === 'SERVICE_UNAVAILABLE') {
      // The tenant could not be looked up: a plain page in the visitor's language, home link kept.
      const prefix = /^\/t\/[a-z0-9][a-z0-9-]{1,62}(?=\/|$|\?)/.exec(req.originalUrl ?? '')?.[0] ?? '';
      const page = this.views.bare('pages/errors/error', locale, req.basePath || prefix, { title: problem.title, problem });
      res.status(problem.status).type('html').send(page);
      return;
    }
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, req: AppRequest, locale: Locale): Problem {
    const requestId = String(req.id ?? '');
    if (exception instanceof DomainError) {
      const desc = this.errors.describe(exception.code);
      if (!desc) return this.internal(requestId, locale);
      const detail = this.errors.message(exception, locale);
      return {
        ...extensionMembers(exception.details),
        type: `urn:tremplin:error:${exception.code.toLowerCase().replace(/_/g, '-')}`,
        title: detail.split(/[:.]/)[0] || detail,
        status: desc.status,
        detail,
        code: exception.code,
        // The path and the sentence, in the reader's language.
        errors: localizeProblems(exception.fieldErrors, locale).map(({ field, message }) => ({ field, message })),
        requestId,
      };
    }
    // The database is down or restarting: the client should come back, not report a bug.
    if (isDatabaseUnavailable(exception)) {
      return this.toProblem(new DomainError('SERVICE_UNAVAILABLE', { retryAfterSeconds: RETRY_AFTER_SECONDS }), req, locale);
    }
    // PostgreSQL refusing a malformed identifier in the path (invalid uuid): nothing by that id exists.
    if ((exception as { driverError?: { code?: string } })?.driverError?.code === '22P02') {
      return this.toProblem(new DomainError('NOT_FOUND'), req, locale);
    }
    const status = statusOf(exception);
    if (status && status < 500) {
      let code = STATUS_CODES[status] ?? 'CONFLICT';
      if (status === 400 && isJsonSyntaxError(exception)) code = 'INVALID_JSON';
      const sentence = this.errors.render(code, {}, locale);
      return {
        type: `urn:tremplin:error:${code.toLowerCase().replace(/_/g, '-')}`,
        title: sentence,
        status,
        detail: sentence,
        code,
        errors: [],
        requestId,
      };
    }
    return this.internal(requestId, locale);
  }

  private internal(requestId: string, locale: Locale): Problem {
    return {
      type: 'urn:tremplin:error:internal',
      title: this.errors.text(locale, 'error.internalTitle'),
      status: 500,
      detail: this.errors.text(locale, 'error.internalDetail', { requestId }),
      code: 'INTERNAL',
      errors: [],
      requestId,
    };
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const e = exception as { status?: unknown; statusCode?: unknown; type?: unknown };
  // body-parser errors (bad JSON, too large, bad charset) carry a 4xx status.
  const s = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return s && s >= 400 && s < 500 ? s : undefined;
}

function isJsonSyntaxError(exception: unknown): boolean {
  const e = exception as { type?: string };
  return e instanceof SyntaxError || e?.type === 'entity.parse.failed';
}

/** The language of a request without a tenant: ?lang=, the language cookie, then Accept-Language. */
function requestLocale(req: AppRequest, fallback: Locale): Locale {
  const query = typeof req.query?.lang === 'string' ? req.query.lang : undefined;
  const cookie = (req.cookies as Record<string, string> | undefined)?.[LOCALE_COOKIE];
  const offered = sharedTranslations().locales;
  return pickLocale(offered, query, cookie, localeFromAcceptLanguage(req.headers['accept-language'], offered), fallback);
}

/** The installation's back-office pages (/platform/...), served without an authority. */
function isPlatformPath(req: AppRequest): boolean {
  return /^\/platform(\/|$)/.test(req.path ?? '');
}

export function wantsHtml(req: AppRequest): boolean {
  const path = req.path ?? '';
  if (path.startsWith('/api') || path === '/healthz' || path.startsWith('/healthz/')) return false;
  return (req.headers.accept ?? '').includes('text/html') || req.method !== 'GET';
}
