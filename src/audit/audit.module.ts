import { AuditPersonalData } from './audit.personal-data.js';
import { Global, Module } from '@nestjs/common';
import { AuditLogView } from './audit-log.view.js';
import { AuditNamesReadModel } from './audit-names.read-model.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({ providers: [AuditPersonalData, AuditService, AuditNamesReadModel, AuditLogView], exports: [AuditPersonalData, AuditService, AuditLogView] })
export class AuditModule {}
