import type { Response } from 'express';
import type { AppConfig } from '../../config/app-config.js';
import type { AppRequest } from './app-request.js';

export const SESSION_COOKIE = 'tremplin_session';
export const CSRF_COOKIE = 'tremplin_csrf';
export const PLATFORM_SESSION_COOKIE = 'tremplin_platform';

/** Cookies are scoped to the tenant's base path, HttpOnly unless a page script must read them, SameSite=Lax. */
export function setCookie(config: AppConfig, req: AppRequest, res: Response, name: string, value: string, maxAgeSeconds?: number, httpOnly = true): void {
  res.cookie(name, value, {
    httpOnly,
    sameSite: 'lax',
    secure: config.publicUrl?.startsWith('https://') ?? false,
    path: req.basePath || '/',
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds * 1000 } : {}),
  });
}

/**
 * Removes a cookie this response was about to set: a file a shared cache may keep (a published
 * report, an image, the sitemap) must not carry one visitor's CSRF cookie to the next.
 */
export function dropCookie(res: Response, name: string): void {
  const set = res.getHeader('Set-Cookie');
  if (!set) return;
  const kept = (Array.isArray(set) ? set : [String(set)]).filter((c) => !c.startsWith(`${name}=`));
  if (kept.length) res.setHeader('Set-Cookie', kept);
  else res.removeHeader('Set-Cookie');
}
