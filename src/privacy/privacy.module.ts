import { Module } from '@nestjs/common';
import { PersonalDataRegistry } from './personal-data.js';

/**
 * Personal data handled as a public body must (GDPR): legal pages, consents, people's rights (export,
 * erasure), retention and the register of processing activities. Low in the module graph: the modules
 * that keep personal data import it to register their `PersonalDataHolder`.
 */
@Module({
  providers: [PersonalDataRegistry],
  exports: [PersonalDataRegistry],
})
export class PrivacyModule {}
