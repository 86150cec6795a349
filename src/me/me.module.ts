import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { JuryModule } from '../jury/jury.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { MePagesController } from './me.pages.controller.js';
import { MeService } from './me.service.js';

/**
 * "My space": a composition module. It may depend on every domain module and asks each through its
 * services and read APIs; it owns no table.
 */
@Module({
  imports: [ProgrammesModule, JuryModule, AuthModule],
  controllers: [MePagesController],
  providers: [MeService],
})
export class MeModule {}
