import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { RETRY_AFTER_SECONDS } from '../common/errors/problem.filter.js';
import { ViewService } from '../common/web/view.service.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly css: string;

  constructor(private readonly health: HealthService, views: ViewService) {
    this.css = readFileSync(join(views.dir, 'assets', 'app.css'), 'utf8');
  }

  /** For load balancers: 200 when the database answers, else 503 SERVICE_UNAVAILABLE with Retry-After. */
  @Get('healthz') @Public()
  async healthz(@Res() res: Response) {
    try {
      await this.health.ping();
    } catch {
      throw new DomainError('SERVICE_UNAVAILABLE', { retryAfterSeconds: RETRY_AFTER_SECONDS, reason: 'database' });
    }
    res.status(200).json({ status: 'ok' });
  }

  @Get('assets/app.css') @Public() @Header('Content-Type', 'text/css; charset=utf-8') @Header('Cache-Control', 'public, max-age=3600')
  stylesheet() {
    return this.css;
  }
}
