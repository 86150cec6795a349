import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.guard.js';
import { ViewService } from '../common/web/view.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly css: string;

  constructor(private readonly ds: DataSource, views: ViewService) {
    this.css = readFileSync(join(views.dir, 'assets', 'app.css'), 'utf8');
  }

  /** For load balancers: 200 when the database answers, 503 otherwise. */
  @Get('healthz') @Public()
  async health(@Res() res: Response) {
    try {
      await this.ds.query('SELECT 1');
      res.status(200).json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database' });
    }
  }

  @Get('assets/app.css') @Public() @Header('Content-Type', 'text/css; charset=utf-8') @Header('Cache-Control', 'public, max-age=3600')
  stylesheet() {
    return this.css;
  }
}
