import 'reflect-metadata';
import type { EventEmitter } from 'node:events';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { buildOpenApiDocument } from './openapi/openapi.document.js';
import { Clock } from './common/clock/clock.js';
import { DomainError, fieldProblem } from './common/errors/domain-error.js';
import { ErrorMessages } from './common/errors/error-messages.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { createValidationPipe } from './common/errors/validation.js';
import { jsonDepthExceeds, MAX_BODY_DEPTH } from './common/web/clean-input.js';
import { CleanTextPipe, cleanInput } from './common/web/clean-input.middleware.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';
import { ViewService } from './common/web/view.service.js';
import type { AppConfig } from './config/app-config.js';

/** body-parser's own errors become our codes (bad JSON, too large) instead of generic 400s. */
function parser(mw: express.RequestHandler) {
  return (req: Request, res: Response, next: NextFunction) =>
    mw(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as { type?: string }).type;
      if (type === 'entity.parse.failed') return next(new DomainError('INVALID_JSON'));
      if (type === 'entity.too.large') return next(new DomainError('PAYLOAD_TOO_LARGE'));
      if (type === 'entity.too.deep' || type === 'querystring.parse.rangeError') return next(tooDeep());
      return next(new DomainError('VALIDATION_FAILED', {}, [{ field: 'body', message: (err as Error).message }]));
    });
}

function tooDeep(): DomainError {
  return new DomainError('BODY_TOO_DEEP', { maxDepth: MAX_BODY_DEPTH }, [fieldProblem('body', 'validation.nestedTooDeep', { max: MAX_BODY_DEPTH })]);
}

/**
 * Builds the whole application (used by main.ts, the tests and the benchmark alike). `logDestination`
 * replaces stdout for the logs.
 */
export async function createApp(
  config: AppConfig & { databaseUrl: string },
  clock?: Clock,
  logDestination?: DestinationStream,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, clock, logDestination), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // A pooled connection being opened while PostgreSQL shuts down has a moment with no error listener
  // (pg-pool has let go, TypeORM has not attached yet): the error would crash the instance. Every new
  // connection gets a listener at once; the pool then drops the broken connection (found by the soak).
  const pool = (app.get(DataSource).driver as unknown as { master?: EventEmitter }).master;
  pool?.on('connect', (client: EventEmitter) => {
    client.on('error', (err: Error) => app.get(Logger).warn({ err }, 'database connection lost'));
  });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    /^\/api\/docs/,
    helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } } }),
  );
  app.use(
    /^(?!\/api\/docs)/,
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'img-src': ["'self'", 'https:', 'data:'],
          'style-src': ["'self'"],
          'script-src': ["'self'"],
          'form-action': ["'self'"],
        },
      },
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use(cookieParser());
  app.use(
    parser(
      express.json({
        limit: '256kb',
        type: ['application/json', 'application/*+json'],
        verify: (req, _res, buf) => {
          // Refused before parsing: what is deeper than any form would only exhaust the stack of whatever
          // walks it next (validation, class-transformer).
          if (jsonDepthExceeds(buf)) throw Object.assign(new Error('too deep'), { status: 400, type: 'entity.too.deep' });
          // Payment webhooks are signed over the exact bytes received.
          if (req.url?.includes('/api/payments/webhook') || req.url?.includes('/api/payments/stripe/webhook'))
            (req as unknown as { rawBody: Buffer }).rawBody = Buffer.from(buf);
        },
      }),
    ),
  );
  // The call builder posts one field per commune, question, option and language (a territory may list
  // 2000 communes); the byte limit still bounds the body.
  app.use(parser(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 5000 })));
  app.use(app.get(RequestContextMiddleware).handle);
  // After the request context, so that a refusal is in the visitor's language (and a page for a form).
  app.use(cleanInput);
  app.useGlobalPipes(new CleanTextPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(app.get(ViewService), app.get(ErrorMessages)));

  const doc = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
