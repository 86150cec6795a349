import type { RetentionCount } from '../common/privacy/personal-data-holder.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { sharedTranslations } from '../common/web/i18n.js';
import { consentTextVersion, emailKeyOf, type ConsentPurpose, type ConsentScope } from './domain/consent-purposes.js';
import type { Consent, ConsentSource } from './privacy.entity.js';
import { PrivacyRepository } from './privacy.repository.js';

export interface ConsentGiven {
  tenantId: string;
  userId?: string | null;
  email: string;
  purpose: ConsentPurpose;
  scope?: ConsentScope;
  textVersion: string;
  source: ConsentSource;
}

/** The optional boxes of the apply form (unticked unless the person ticks them). */
export interface OptionalConsents {
  authorityNews?: boolean;
  partnerContact?: boolean;
}

/** The catalogue key of the sentence next to a purpose's box. */
export const consentBoxKey = (purpose: ConsentPurpose) => `consent.box.${purpose}`;

/** The version of the sentence a person saw next to the box, in the language the form was shown in. */
export function shownTextVersion(purpose: ConsentPurpose, locale: string): string {
  return consentTextVersion(purpose, `${locale}:${sharedTranslations().t(locale, consentBoxKey(purpose))}`);
}

/** Whose consents a page lists: a signed-in person (their account and their e-mail). */
export interface ConsentSubject {
  tenantId: string;
  userId: string | null;
  email: string;
}

/**
 * The optional uses people agreed to. Other modules record a ticked box here, in their own
 * transaction (the consent commits with the contribution or the application), and ask `hasConsent`
 * before using an address for anything else than what it was given for.
 */
@Injectable()
export class ConsentService {
  constructor(
    private readonly repo: PrivacyRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Idempotent: a consent already in force for the same purpose and scope is not recorded twice. */
  async record(em: EntityManager, c: ConsentGiven): Promise<void> {
    const emailKey = emailKeyOf(c.email);
    const programmeId = c.scope?.programmeId ?? null;
    const campaignId = c.scope?.campaignId ?? null;
    if ((await this.repo.activeConsents(em, c.tenantId, emailKey, c.purpose, programmeId, campaignId)).length) return;
    await this.repo.insertConsent(em, {
      tenantId: c.tenantId,
      userId: c.userId ?? null,
      emailKey,
      purpose: c.purpose,
      programmeId,
      campaignId,
      textVersion: c.textVersion,
      givenAt: this.clock.now(),
      source: c.source,
    });
  }

  /** The apply form's optional boxes: authority news (authority-wide), partners' contact (the programme). */
  async recordOptional(
    em: EntityManager,
    who: { tenantId: string; userId: string | null; email: string; programmeId: string; locale: string },
    optional: OptionalConsents,
  ): Promise<void> {
    const base = { tenantId: who.tenantId, userId: who.userId, email: who.email, source: 'apply' as const };
    if (optional.authorityNews) await this.record(em, { ...base, purpose: 'authority_news', textVersion: shownTextVersion('authority_news', who.locale) });
    if (optional.partnerContact)
      await this.record(em, {
        ...base,
        purpose: 'partner_contact',
        scope: { programmeId: who.programmeId },
        textVersion: shownTextVersion('partner_contact', who.locale),
      });
  }

  /** The contribution form's "this project's news" box. */
  async recordCampaignNews(em: EntityManager, tenantId: string, email: string, campaignId: string, locale: string): Promise<void> {
    const textVersion = shownTextVersion('campaign_news', locale);
    await this.record(em, { tenantId, email, purpose: 'campaign_news', scope: { campaignId }, textVersion, source: 'contribution' });
  }

  async hasConsent(em: EntityManager, tenantId: string, emailKey: string, purpose: ConsentPurpose, scope: ConsentScope = {}): Promise<boolean> {
    return (await this.repo.activeConsents(em, tenantId, emailKeyOf(emailKey), purpose, scope.programmeId ?? null, scope.campaignId ?? null)).length > 0;
  }

  /** Among these addresses, those who agreed to a campaign's news (the recipients of its updates). */
  campaignNewsKeys(em: EntityManager, tenantId: string, campaignId: string, emailKeys: readonly string[]): Promise<Set<string>> {
    return this.repo.consentingKeys(tenantId, 'campaign_news', campaignId, emailKeys.map(emailKeyOf), em);
  }

  list(subject: ConsentSubject): Promise<Consent[]> {
    return this.repo.consentsOf(subject.tenantId, subject.userId, emailKeyOf(subject.email));
  }

  /** 404 when the consent is not the person's or no longer in force. */
  async withdraw(subject: ConsentSubject, consentId: string): Promise<void> {
    await this.tx.run(async (em) => {
      const done = await this.repo.withdraw(em, subject.tenantId, consentId, subject.userId, emailKeyOf(subject.email), this.clock.now());
      if (!done) throw new DomainError('NOT_FOUND');
    });
  }

  /** The campaign-scoped consents ("this project's news") of campaigns whose contributors' contacts expired. */
  forgetCampaigns(em: EntityManager, tenantId: string, campaignIds: string[], dryRun: boolean): Promise<RetentionCount> {
    return this.repo.forgetCampaignConsents(em, tenantId, campaignIds, dryRun);
  }
}
