import { Module } from '@nestjs/common';
import { CoachingModule } from '../coaching/coaching.module.js';
import { JuryModule } from '../jury/jury.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { DashboardService } from './dashboard.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsPagesController } from './reports.pages.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

/** The results report (preview, immutable published versions, public page and open data) and the authority's dashboard. */
@Module({
  imports: [ProgrammesModule, JuryModule, CoachingModule],
  controllers: [ReportsController, ReportsPagesController],
  providers: [ReportsRepository, ReportsService, DashboardService],
  exports: [ReportsService],
})
export class ReportsModule {}
