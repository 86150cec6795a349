import { timingSafeEqual } from 'node:crypto';
import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { DomainError } from '../errors/domain-error.js';
import type { AppRequest } from './app-request.js';

/**
 * A multipart form carries its CSRF token in its body, like every other form: the request-context
 * middleware runs before the body is parsed, so it leaves the check of a multipart request without a
 * token in its header or query to the route (`csrfDeferred`). Only a route declared with
 * `MultipartForm()` may take such a request (the global guard refuses it elsewhere, see
 * `MULTIPART_FORM`), and its interceptor checks the token as soon as multer has read the fields.
 * The token so never has to travel in the form's address, where it showed in the address bar
 * after a refused upload and in logs.
 */
export const MULTIPART_FORM = 'tremplin:multipart-form';

/** What the middleware and the route share about a deferred check. */
export interface CsrfRequest extends AppRequest {
  /** Set by the middleware: a multipart form whose token is still in its unparsed body. */
  csrfDeferred?: boolean;
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks the deferred token once multer has parsed the body (files are only kept in memory so far). */
@Injectable()
export class MultipartCsrfInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<CsrfRequest>();
    if (req.csrfDeferred) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const sent = body._csrf;
      if (typeof sent !== 'string' || !req.csrfToken || !sameToken(sent, req.csrfToken)) throw new DomainError('CSRF_INVALID');
      req.csrfDeferred = false;
    }
    if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
    return next.handle();
  }
}

/**
 * A route that takes a whole form as multipart/form-data: its text fields and up to `files` files of
 * at most `maxBytes` each (any field names; read them with `@UploadedFiles()`), the CSRF token in the
 * body. A browser's empty file input sends no file.
 */
export function MultipartForm(options: { maxBytes: number; files: number }) {
  return applyDecorators(
    SetMetadata(MULTIPART_FORM, true),
    UseInterceptors(
      // Names sent as raw UTF-8 bytes stay UTF-8 (see storage/file-transfer.ts).
      AnyFilesInterceptor({ defParamCharset: 'utf8', limits: { fileSize: options.maxBytes, files: options.files } }),
      MultipartCsrfInterceptor,
    ),
  );
}
