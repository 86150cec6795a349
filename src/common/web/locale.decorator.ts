import type { Locale as Lang } from '../i18n/localized.js';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AppRequest } from './app-request.js';

/** The language of this request (?lang, cookie, then the authority's default). */
export const Locale = createParamDecorator((_: unknown, ctx: ExecutionContext): Lang => ctx.switchToHttp().getRequest<AppRequest>().locale ?? 'fr');
