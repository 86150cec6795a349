import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { RETRY_AFTER_SECONDS } from '../common/errors/problem.filter.js';
import { ViewService } from '../common/web/view.service.js';
import { HealthService } from './health.service.js';

/** Served without a tenant and without looking one up (see TENANTLESS in the request-context middleware). */
const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'version', 'commit', 'database'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    version: { type: 'string', example: '0.1.0' },
    commit: { type: ['string', 'null'] },
    database: { type: 'string', enum: ['reachable', 'unreachable', 'error'] },
    migrations: {
      type: 'object',
      properties: {
        applied: { type: 'integer' },
        shipped: { type: 'integer' },
        pending: { type: 'array', items: { type: 'string' } },
        unknown: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly css: string;
  private readonly brandingScript: string;
  private readonly shareScript: string;
  private readonly printScript: string;

  constructor(
    private readonly health: HealthService,
    views: ViewService,
  ) {
    this.css = readFileSync(join(views.dir, 'assets', 'app.css'), 'utf8');
    this.brandingScript = readFileSync(join(views.dir, 'assets', 'branding.js'), 'utf8');
    this.shareScript = readFileSync(join(views.dir, 'assets', 'share.js'), 'utf8');
    this.printScript = readFileSync(join(views.dir, 'assets', 'print.js'), 'utf8');
  }

  @Get('healthz')
  @Public()
  @ApiOperation({ summary: 'Health', description: 'For load balancers: 200 when the database answers, else 503 SERVICE_UNAVAILABLE with Retry-After.' })
  @ApiOkResponse({
    description: 'The database answers.',
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  async healthz(@Res() res: Response) {
    try {
      await this.health.ping();
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', { retryAfterSeconds: RETRY_AFTER_SECONDS, reason: 'database' });
    }
    res.status(200).json({ status: 'ok' });
  }

  @Get('healthz/live')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Liveness',
    description: 'Liveness: the process runs and answers; never touches the database (restart the process only if this fails).',
  })
  live() {
    return { status: 'live', version: this.health.build.version, commit: this.health.build.commit, uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('healthz/ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness',
    description: 'Readiness: the database answers and every shipped migration is applied; 503 (with the reason) otherwise.',
  })
  @ApiOkResponse({ description: 'Ready.', schema: READINESS_SCHEMA })
  @ApiResponse({
    status: 503,
    description: 'Not ready: the database is unreachable or a migration is pending (with Retry-After).',
    schema: READINESS_SCHEMA,
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
  })
  async ready(@Res() res: Response) {
    const readiness = await this.health.readiness();
    if (readiness.status !== 'ready') res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res
      .status(readiness.status === 'ready' ? 200 : 503)
      .setHeader('Cache-Control', 'no-store')
      .json(readiness);
  }

  @Get('assets/app.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiExcludeEndpoint()
  stylesheet() {
    return this.css;
  }

  /** The branding page's live contrast text (progressive enhancement: the page works without it). */
  @Get('assets/branding.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiExcludeEndpoint()
  brandingJs() {
    return this.brandingScript;
  }

  /** The campaign page's "copy the link" button (progressive enhancement: the page works without it). */
  @Get('assets/share.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiExcludeEndpoint()
  shareJs() {
    return this.shareScript;
  }

  /** The receipt's print button (progressive enhancement: without it the link opens the print view). */
  @Get('assets/print.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiExcludeEndpoint()
  printJs() {
    return this.printScript;
  }
}
