import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { cleanLocalized, type Localized } from '../common/i18n/localized.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Programme } from '../programmes/programme.entity.js';
import { checkSettings, LEGAL_BODY_MAX, type PrivacySettingsInput } from './domain/legal-settings.js';
import { retentionPeriods, type RetentionPeriods } from './domain/retention.js';
import { LEGAL_PAGE_KINDS, type LegalPage, type LegalPageKind, type PrivacySettings } from './privacy.entity.js';
import { PrivacyRepository } from './privacy.repository.js';

/** The settings as the pages and the API show them (empty strings when never saved). */
export interface PrivacySettingsView extends PrivacySettingsInput {
  saved: boolean;
  retention: RetentionPeriods;
  updatedAt: string | null;
}

export interface LegalPageVersion {
  version: number;
  body: Localized;
  publishedAt: string;
  publishedBy: string | null;
}

export const AUTHORITY_PAGE_KINDS = LEGAL_PAGE_KINDS.filter((k) => k !== 'call_rules');

export function isLegalPageKind(v: string): v is LegalPageKind {
  return (LEGAL_PAGE_KINDS as readonly string[]).includes(v);
}

function versionView(p: LegalPage): LegalPageVersion {
  return { version: p.version, body: p.body, publishedAt: p.publishedAt.toISOString(), publishedBy: p.publishedBy };
}

/** The authority's legal settings and its versioned legal pages (privacy, legal notice, accessibility, each call's rules). */
@Injectable()
export class LegalPagesService {
  constructor(
    private readonly repo: PrivacyRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async settings(tenantId: string): Promise<PrivacySettingsView> {
    const s: PrivacySettings | null = await this.repo.settings(tenantId);
    return {
      saved: !!s?.updatedAt,
      controllerName: s?.controllerName ?? '',
      controllerAddress: s?.controllerAddress ?? '',
      dpoEmail: s?.dpoEmail ?? '',
      dpoAddress: s?.dpoAddress ?? '',
      publicationDirector: s?.publicationDirector ?? '',
      hostName: s?.hostName ?? '',
      hostAddress: s?.hostAddress ?? '',
      hostContact: s?.hostContact ?? '',
      rgaaStatus: s?.rgaaStatus ?? 'none',
      rgaaAuditDate: s?.rgaaAuditDate ?? null,
      retention: retentionPeriods(s?.retention),
      updatedAt: s?.updatedAt?.toISOString() ?? null,
    };
  }

  /** 400 naming each bad field; the retention periods are not touched here. */
  async saveSettings(tenantId: string, raw: Record<string, unknown>, actorUserId: string): Promise<PrivacySettingsView> {
    const checked = checkSettings(raw);
    if (!checked.ok)
      throw new DomainError(
        'VALIDATION_FAILED',
        {},
        checked.problems.map((p) => fieldProblem(p.field, p.key, p.values)),
      );
    await this.tx.run(async (em) => {
      await this.repo.lockSettings(em, tenantId);
      await this.repo.updateSettings(em, tenantId, { ...checked.value, updatedAt: this.clock.now(), updatedByUserId: actorUserId });
      await this.audit.record(em, { tenantId, actorUserId, action: 'privacy.settings_updated', subjectType: 'tenant', subjectId: tenantId });
    });
    return this.settings(tenantId);
  }

  /** A programme of the authority, by id or slug (404 otherwise). */
  async programme(tenantId: string, by: { id?: string; slug?: string }): Promise<Programme> {
    const p = by.id ? await this.programmes.get(tenantId, by.id) : by.slug ? await this.programmes.getBySlug(tenantId, by.slug) : null;
    if (!p) throw new DomainError('NOT_FOUND');
    return p;
  }

  /** The latest version of a page, or the asked one; null when none was published (the default is shown). */
  async page(tenantId: string, kind: LegalPageKind, programmeId: string | null, version?: number): Promise<LegalPageVersion | null> {
    const p = await this.repo.page(tenantId, kind, programmeId ?? '', version);
    return p ? versionView(p) : null;
  }

  async versions(tenantId: string, kind: LegalPageKind, programmeId: string | null): Promise<LegalPageVersion[]> {
    return (await this.repo.versions(tenantId, kind, programmeId ?? '')).map(versionView);
  }

  /** Publishing adds a version; the default language's text is required. */
  async publish(
    tenant: { id: string; defaultLocale: string; languages: readonly string[] },
    kind: LegalPageKind,
    programmeId: string | null,
    body: Record<string, unknown>,
    actorUserId: string,
  ): Promise<LegalPageVersion> {
    const clean = cleanLocalized(Object.fromEntries(Object.entries(body ?? {}).filter(([lang]) => tenant.languages.includes(lang))));
    if (!clean[tenant.defaultLocale]) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('body', 'validation.required')]);
    if (Object.values(clean).some((t) => t.length > LEGAL_BODY_MAX))
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('body', 'validation.maxLength', { max: LEGAL_BODY_MAX })]);
    if ((kind === 'call_rules') !== !!programmeId) throw new DomainError('NOT_FOUND');
    const row = await this.tx.run(async (em) => {
      const saved = await this.repo.insertVersion(em, {
        tenantId: tenant.id,
        kind,
        programmeId,
        scopeKey: programmeId ?? '',
        body: clean,
        publishedAt: this.clock.now(),
        publishedBy: actorUserId,
      });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'privacy.page_published',
        subjectType: programmeId ? 'programme' : 'tenant',
        subjectId: programmeId ?? tenant.id,
        data: { kind, version: saved.version },
      });
      return saved;
    });
    return versionView(row);
  }

  /** The call's rules version an applicant accepts now (0: none published, the default rules). */
  async currentRulesVersion(tenantId: string, programmeId: string, em?: EntityManager): Promise<number> {
    return (await this.repo.page(tenantId, 'call_rules', programmeId, undefined, em))?.version ?? 0;
  }
}
