import { Injectable } from '@nestjs/common';
import type { Locale } from '../common/i18n/localized.js';
import { formatList } from '../common/i18n/format.js';
import { ViewService } from '../common/web/view.service.js';
import { activitiesFor, type ActivityScope, type ProcessingActivity } from './domain/processing-activities.js';
import { RETENTION_ANCHOR, type RetentionPeriods } from './domain/retention.js';
import { RIGHTS_PAGE_LIVE, RIGHTS_PAGE_PATH } from './domain/rights.js';
import type { PrivacySettingsView } from './legal-pages.service.js';

/** One processing activity in words, in the reader's language. */
export interface ActivityRow {
  key: string;
  purpose: string;
  basis: string;
  data: string;
  recipients: string;
  retention: string;
  transfers: string;
}

/** The words of the default pages and of the register, from the catalogue and the authority's settings. */
@Injectable()
export class LegalPagesView {
  constructor(private readonly views: ViewService) {}

  /** "12 months after the results are published", "until the results are announced", "as long as the account exists". */
  retentionWords(locale: Locale, a: Pick<ProcessingActivity, 'retention'>, periods: RetentionPeriods): string {
    if (!a.retention) return this.views.t(locale, 'privacy.retention.account');
    const anchor = this.views.t(locale, `privacy.anchor.${RETENTION_ANCHOR[a.retention]}`);
    return this.views.t(locale, 'privacy.retention.words', { months: periods[a.retention], anchor });
  }

  activities(locale: Locale, scope: ActivityScope, periods: RetentionPeriods): ActivityRow[] {
    const t = (k: string) => this.views.t(locale, k);
    return activitiesFor(scope).map((a) => ({
      key: a.key,
      purpose: t(`privacy.activity.${a.key}`),
      basis: t(`privacy.basis.${a.basis}`),
      data: formatList(
        a.data.map((d) => t(`privacy.data.${d}`)),
        locale,
      ),
      recipients: formatList(
        a.recipients.map((r) => t(`privacy.recipient.${r}`)),
        locale,
      ),
      retention: this.retentionWords(locale, a, periods),
      transfers: t('privacy.register.noTransfer'),
    }));
  }

  /** What the default privacy notice, legal notice and accessibility statement show. */
  defaults(locale: Locale, settings: PrivacySettingsView, tenant: { name: string; senderEmail: string }) {
    const missing = this.views.t(locale, 'privacy.notFilledIn');
    return {
      controller: settings.controllerName || tenant.name,
      /** Where people write about accessibility: the DPO's address, else the authority's sender address. */
      contactEmail: settings.dpoEmail || tenant.senderEmail,
      controllerAddress: settings.controllerAddress || missing,
      dpoEmail: settings.dpoEmail,
      dpoAddress: settings.dpoAddress,
      publicationDirector: settings.publicationDirector || missing,
      hostName: settings.hostName || missing,
      hostAddress: settings.hostAddress,
      hostContact: settings.hostContact,
      rgaaStatus: settings.rgaaStatus,
      rgaaAuditDate: settings.rgaaAuditDate,
      rightsPage: RIGHTS_PAGE_LIVE ? RIGHTS_PAGE_PATH : null,
      activities: [...this.activities(locale, 'authority', settings.retention), ...this.activities(locale, 'programme', settings.retention)],
    };
  }
}
