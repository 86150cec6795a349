import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedRows } from '../common/privacy/changed-rows.js';
import type { DataSubject, PersonalDataHolder, PersonalDataSection, RetentionCount } from '../common/privacy/personal-data-holder.js';

/**
 * Files a person handed in (application attachments, deliverables). Public images (logos, campaign
 * covers and galleries) are the authority's or the project's publication, not the person's: they stay.
 */
export const PERSONAL_FILE_OWNERS = ['application', 'coaching_milestone'] as const;

@Injectable()
export class StoragePersonalData implements PersonalDataHolder {
  readonly name = 'storage';
  readonly covers = [{ table: 'stored_file', columns: ['filename', 'data', 'uploaded_by'] }];

  async export(em: EntityManager, s: DataSubject): Promise<PersonalDataSection[]> {
    if (!s.userId) return [];
    const rows: Array<{ id: string; filename: string; contentType: string; purpose: string; sizeBytes: number; createdAt: Date }> = await em.query(
      `SELECT id, filename, content_type AS "contentType", purpose, owner_type AS "ownerType", size_bytes AS "sizeBytes", created_at AS "createdAt"
         FROM stored_file WHERE tenant_id = $1 AND uploaded_by = $2 AND owner_type = ANY($3) ORDER BY created_at`,
      [s.tenantId, s.userId, PERSONAL_FILE_OWNERS],
    );
    return [{ name: 'files', rows, files: rows.map((r) => ({ id: r.id, name: r.filename, contentType: r.contentType })) }];
  }

  async erase(em: EntityManager, s: DataSubject): Promise<RetentionCount[]> {
    if (!s.userId) return [];
    return [
      await changedRows(em, 'erasure', 'stored_file', `DELETE FROM stored_file WHERE tenant_id = $1 AND uploaded_by = $2 AND owner_type = ANY($3)`, [
        s.tenantId,
        s.userId,
        PERSONAL_FILE_OWNERS,
      ]),
    ];
  }
}

/** The files attached to these owners (the owner's module decides when they are due). */
export async function deleteFilesOf(
  em: EntityManager,
  tenantId: string,
  ownerType: (typeof PERSONAL_FILE_OWNERS)[number],
  ownerIds: string[],
): Promise<RetentionCount> {
  return changedRows(em, 'files', 'stored_file', `DELETE FROM stored_file WHERE tenant_id = $1 AND owner_type = $2 AND owner_id = ANY($3::uuid[])`, [
    tenantId,
    ownerType,
    ownerIds,
  ]);
}
