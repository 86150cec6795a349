import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ApplicationsModule } from './applications/applications.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { Clock } from './common/clock/clock.js';
import { CommonModule } from './common/common.module.js';
import { RequestContextMiddleware } from './common/web/request-context.middleware.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { HealthModule } from './health/health.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { CoachingModule } from './coaching/coaching.module.js';
import { JuryModule } from './jury/jury.module.js';
import { PartnersModule } from './partners/partners.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ProgrammesModule } from './programmes/programmes.module.js';
import { PublicModule } from './public/public.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TenantsModule } from './tenants/tenants.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig & { databaseUrl: string }, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config, clock),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req) => (req as unknown as { id?: string }).id ?? '',
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            // Health checks come every few seconds from load balancers and orchestrators.
            autoLogging: { ignore: (req) => /^\/healthz(\/live|\/ready)?$/.test(req.url ?? '') },
            ...(config.env === 'development' && process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databasePoolSize)),
        ScheduleModule.forRoot(),
        CommonModule,
        AuditModule,
        NotificationsModule,
        AuthModule,
        TenantsModule,
        ProgrammesModule,
        StorageModule,
        ApplicationsModule,
        JuryModule,
        CoachingModule,
        PartnersModule,
        CampaignsModule,
        PublicModule,
        ReportsModule,
        HealthModule,
      ],
      providers: [RequestContextMiddleware],
    };
  }
}
