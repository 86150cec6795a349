import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error.js';
import { NOT_TEXT_MESSAGE, pathHasControlCharacters, textProblems } from './clean-input.js';

/**
 * Refuses, with a 400 naming the field, any request whose path, query string or parsed body (JSON or
 * form) carries text PostgreSQL cannot store or nothing should hold (NUL and other control
 * characters, lone surrogates). One check for every route, so that no DTO can forget it.
 */
export function cleanInput(req: Request, _res: Response, next: NextFunction): void {
  if (pathHasControlCharacters(req.originalUrl ?? req.url)) {
    return next(new DomainError('VALIDATION_FAILED', {}, [{ field: 'path', message: `the address ${NOT_TEXT_MESSAGE}` }]));
  }
  const problems = [...textProblems(req.query), ...(req.body === undefined ? [] : textProblems(req.body))];
  next(problems.length ? new DomainError('VALIDATION_FAILED', {}, problems) : undefined);
}

/** The same check for bodies parsed after the middleware (multipart fields, by multer in an interceptor). */
@Injectable()
export class CleanTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    const problems = textProblems(value, metadata.data ?? '');
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    return value;
  }
}
