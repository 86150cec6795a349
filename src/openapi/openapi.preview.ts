import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { buildOpenApiDocument } from './openapi.document.js';

/**
 * The document without a database: Nest's preview mode reads the modules and controllers without
 * creating providers (nothing connects). Used by `npm run openapi` and the tests; the running
 * application serves the same document at /api/docs-json.
 */
export async function previewOpenApiDocument(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.register({ ...config, databaseUrl: 'postgres://preview@127.0.0.1:1/preview' }), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close().catch(() => undefined);
  }
}

/** The document as committed in docs/openapi.json (two-space JSON, final newline). */
export function serializeOpenApiDocument(doc: OpenAPIObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
