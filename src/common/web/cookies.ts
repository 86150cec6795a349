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
