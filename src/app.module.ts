import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ApplicationsModule } from './applications/applications.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { Clock } from './common/clock/clock.js';
import { ClockModule } from './common/clock/clock.module.js';
import { CommonModule } from './common/common.module.js';
import { ErrorMessagesModule } from './common/errors/error-messages.js';
import { redactUrl } from './common/redact-url.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { ERROR_CATALOGUE } from './error-catalogue.js';
import { HealthModule } from './health/health.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { CoachingModule } from './coaching/coaching.module.js';
import { JuryModule } from './jury/jury.module.js';
import { MeModule } from './me/me.module.js';
import { PartnersModule } from './partners/partners.module.js';
import { PlatformModule } from './platform/platform.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ProgrammesModule } from './programmes/programmes.module.js';
import { PublicModule } from './public/public.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { PeopleModule } from './people/people.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

interface SerializedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  remoteAddress?: string;
  remotePort?: number;
}
interface SerializedResponse {
  statusCode: number;
  headers?: Record<string, unknown>;
}

/** Whether pino at `level` writes the info lines pino-http makes for each request. */
export function writesRequestLogs(level: string): boolean {
  return ['info', 'debug', 'trace'].includes(level);
}

@Module({})
export class AppModule {
  /** `logDestination`: where the logs go instead of stdout (the tests read them). */
  static register(config: AppConfig & { databaseUrl: string }, clock?: Clock, logDestination?: DestinationStream): DynamicModule {
    const pinoHttp = {
      level: config.logLevel,
      genReqId: (req: unknown) => (req as { id?: string }).id ?? '',
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      // Secrets travel in some URLs (sign-in links, calendar feeds, pledge confirmations, contribution
      // references, CSRF tokens of multipart forms): every URL logged goes through redactUrl. The query
      // is not logged apart from the URL, nor the route params.
      serializers: {
        req: (req: SerializedRequest) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          headers: req.headers.referer ? { ...req.headers, referer: redactUrl(req.headers.referer) } : req.headers,
          remoteAddress: req.remoteAddress,
          remotePort: req.remotePort,
        }),
        res: (res: SerializedResponse) =>
          typeof res.headers?.location === 'string' ? { ...res, headers: { ...res.headers, location: redactUrl(res.headers.location) } } : res,
      },
      // Health checks come every few seconds from load balancers and orchestrators.
      autoLogging: { ignore: (req: { url?: string }) => /^\/healthz(\/live|\/ready)?$/.test(req.url ?? '') },
      ...(config.env === 'development' && process.stdout.isTTY && !logDestination
        ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
        : {}),
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        ClockModule.register(clock),
        LoggerModule.forRoot({
          pinoHttp: logDestination ? [pinoHttp, logDestination] : pinoHttp,
          // Request logs are written at info: above it (LOG_LEVEL=warn), no request pays for a logger of
          // its own (a child serialising the request, listeners, an async context) that would write
          // nothing. What is logged during a request then names it itself (the problem filter's request id).
          ...(writesRequestLogs(config.logLevel) ? {} : { forRoutes: [] }),
        }),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databasePoolSize)),
        ScheduleModule.forRoot(),
        CommonModule,
        ErrorMessagesModule.register(ERROR_CATALOGUE),
        AuditModule,
        NotificationsModule,
        AuthModule,
        TenantsModule,
        PeopleModule,
        PlatformModule,
        ProgrammesModule,
        StorageModule,
        PrivacyModule,
        ApplicationsModule,
        JuryModule,
        CoachingModule,
        PartnersModule,
        CampaignsModule,
        MeModule,
        PublicModule,
        ReportsModule,
        HealthModule,
      ],
      providers: [RequestContextMiddleware],
    };
  }
}
