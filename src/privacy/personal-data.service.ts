import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { strToU8, zipSync } from 'fflate';
import type { EntityManager } from 'typeorm';
import { AuditPersonalData } from '../audit/audit.personal-data.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthPersonalData } from '../auth/auth.personal-data.js';
import { UsersRepository } from '../auth/users.repository.js';
import type { DataSubject, PersonalDataSection, RetentionCount } from '../common/privacy/personal-data-holder.js';
import { NotificationsPersonalData } from '../notifications/notifications.personal-data.js';
import { FileStorage } from '../storage/file-storage.js';
import { StoragePersonalData } from '../storage/storage.personal-data.js';
import { downloadName } from '../storage/file-names.js';
import { pseudonymFrom, sectionCsv } from './domain/requests.js';
import { PersonalDataRegistry } from './personal-data.js';
import { PrivacyPersonalData } from './privacy.personal-data.js';

/** A person's data, gathered from every holder. */
export interface PersonalDataExport {
  generatedAt: string;
  authority: string;
  email: string;
  sections: PersonalDataSection[];
}

/**
 * Runs the rights over every module's holder: the modules below this one (accounts, e-mails, audit,
 * files) are registered here, the others register themselves when they start.
 */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly files: FileStorage,
    auth: AuthPersonalData,
    notifications: NotificationsPersonalData,
    auditData: AuditPersonalData,
    storage: StoragePersonalData,
    own: PrivacyPersonalData,
  ) {
    for (const h of [auth, notifications, auditData, storage, own]) registry.register(h);
  }

  /** Who an address is in this authority (its account, if any); names are filled from what the holders keep. */
  async subject(em: EntityManager, tenantId: string, emailKey: string, pseudonym = pseudonymFrom(randomBytes(4))): Promise<DataSubject> {
    const user = await this.users.findByEmail(tenantId, emailKey, em);
    return { tenantId, userId: user?.id ?? null, emailKey, pseudonym, names: user?.displayName ? [user.displayName] : [] };
  }

  async export(em: EntityManager, subject: DataSubject, authority: string, now: Date): Promise<PersonalDataExport> {
    const sections: PersonalDataSection[] = [];
    for (const h of this.registry.holders()) sections.push(...(await h.export(em, subject)));
    return { generatedAt: now.toISOString(), authority, email: subject.emailKey, sections };
  }

  /** How many rows each section holds: what staff see before they erase. */
  summary(data: PersonalDataExport): Array<{ name: string; rows: number }> {
    return data.sections.map((s) => ({ name: s.name, rows: s.rows.length })).filter((s) => s.rows > 0);
  }

  /** The archive a person downloads: `data.json`, one CSV per section, and the files they handed in. */
  async archive(tenantId: string, data: PersonalDataExport): Promise<Buffer> {
    const entries: Record<string, Uint8Array> = { 'data.json': strToU8(JSON.stringify(data, null, 2)) };
    for (const s of data.sections) if (s.rows.length) entries[`${s.name}.csv`] = strToU8('\ufeff' + sectionCsv(s.rows));
    for (const s of data.sections) {
      for (const f of s.files ?? []) {
        const got = await this.files.get(tenantId, f.id);
        if (got) entries[`files/${f.id.slice(0, 8)}-${downloadName(f.name, f.contentType).replace(/[\\/]/g, '_')}`] = new Uint8Array(got.bytes);
      }
    }
    return Buffer.from(zipSync(entries, { level: 6 }));
  }

  /**
   * Erases the person everywhere in the caller's transaction (one holder failing undoes every other),
   * then records it in the audit log under the pseudonym only.
   */
  async erase(em: EntityManager, subject: DataSubject, actorUserId: string | null): Promise<RetentionCount[]> {
    const known = await this.export(em, subject, '', new Date(0));
    const names = new Set(subject.names);
    for (const s of known.sections) {
      for (const r of s.rows)
        for (const k of ['displayName', 'applicantName']) if (typeof r[k] === 'string' && (r[k] as string).trim()) names.add((r[k] as string).trim());
    }
    const full: DataSubject = { ...subject, names: [...names] };
    const counts: RetentionCount[] = [];
    for (const h of this.registry.holders()) counts.push(...(await h.erase(em, full)));
    const changed = counts.filter((c) => c.rows > 0);
    await this.audit.record(em, {
      tenantId: subject.tenantId,
      actorUserId,
      action: 'privacy.erased',
      subjectType: subject.userId ? 'user' : 'person',
      subjectId: subject.userId ?? subject.pseudonym,
      data: { pseudonym: subject.pseudonym, rows: changed.reduce((n, c) => n + c.rows, 0) },
    });
    return changed;
  }
}
