import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { readUnsubscribe, unsubscribeKey, type UnsubscribeSubject } from './domain/unsubscribe-token.js';
import { EmailSuppressionRepository } from './email-suppression.repository.js';

/** Leaving a bulk stream and coming back, from the link every bulk e-mail carries. */
@Injectable()
export class UnsubscribeService {
  private readonly key: Buffer;

  constructor(
    private readonly suppressions: EmailSuppressionRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = unsubscribeKey(config.appSecret);
  }

  /** What the token stops, if it was signed by this installation for this authority; else 404. */
  subject(tenantId: string, token: string): UnsubscribeSubject {
    const s = readUnsubscribe(this.key, token);
    if (!s || s.tenantId !== tenantId) throw new DomainError('UNSUBSCRIBE_LINK_INVALID');
    return s;
  }

  isUnsubscribed(s: UnsubscribeSubject): Promise<boolean> {
    return this.suppressions.has(s);
  }

  /** Idempotent: twice is once. */
  unsubscribe(s: UnsubscribeSubject): Promise<void> {
    return this.suppressions.add(s);
  }

  resubscribe(s: UnsubscribeSubject): Promise<void> {
    return this.suppressions.remove(s);
  }
}
