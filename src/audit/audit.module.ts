import { Global, Module } from '@nestjs/common';
import { AuditLogView } from './audit-log.view.js';
import { AuditNamesReadModel } from './audit-names.read-model.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({ providers: [AuditService, AuditNamesReadModel, AuditLogView], exports: [AuditService, AuditLogView] })
export class AuditModule {}
