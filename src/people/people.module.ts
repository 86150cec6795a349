import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { PeopleController } from './people.controller.js';
import { PeoplePagesController } from './people.pages.controller.js';
import { PeopleService } from './people.service.js';

@Module({
  imports: [AuthModule, ProgrammesModule],
  controllers: [PeopleController, PeoplePagesController],
  providers: [PeopleService],
})
export class PeopleModule {}
