import { Injectable } from '@nestjs/common';
import type { PersonalDataHolder } from '../common/privacy/personal-data-holder.js';

export type * from '../common/privacy/personal-data-holder.js';

/**
 * Where modules register their holder (as they register phase guards with `PhaseHooks`): the privacy
 * module runs exports, erasures and retention over every holder without knowing their tables.
 */
@Injectable()
export class PersonalDataRegistry {
  private readonly list: PersonalDataHolder[] = [];

  register(holder: PersonalDataHolder): void {
    if (this.list.some((h) => h.name === holder.name)) return;
    this.list.push(holder);
  }

  holders(): readonly PersonalDataHolder[] {
    return this.list;
  }
}
