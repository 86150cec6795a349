import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { StoredFile } from './stored-file.entity.js';

export interface FileToStore {
  tenantId: string;
  ownerType: string;
  ownerId: string;
  purpose: string;
  filename: string;
  contentType: string;
  uploadedBy: string;
  bytes: Buffer;
}

export type StoredFileInfo = Omit<StoredFile, 'data'>;

/**
 * The storage port. The default adapter keeps bytes in PostgreSQL (safe with several instances and
 * backed up with the data). An S3-compatible adapter implements the same two methods: put the bytes
 * under `storageKey` in the bucket and keep the row with `data` null (see README, "Files").
 */
export abstract class FileStorage {
  abstract put(em: EntityManager, file: FileToStore): Promise<StoredFileInfo>;
  abstract get(tenantId: string, id: string): Promise<{ info: StoredFileInfo; bytes: Buffer } | undefined>;
  abstract list(tenantId: string, ownerType: string, ownerId: string): Promise<StoredFileInfo[]>;
}

@Injectable()
export class PostgresFileStorage extends FileStorage {
  constructor(private readonly ds: DataSource) {
    super();
  }

  async put(em: EntityManager, file: FileToStore): Promise<StoredFileInfo> {
    const id = randomUUID();
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    await em.query(
      `INSERT INTO stored_file (id, tenant_id, owner_type, owner_id, purpose, filename, content_type, size_bytes, sha256, data, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [id, file.tenantId, file.ownerType, file.ownerId, file.purpose, file.filename, file.contentType, file.bytes.length, sha256, file.bytes, file.uploadedBy],
    );
    return (await em.getRepository(StoredFile).findOne({ where: { id }, select: INFO_COLUMNS }))!;
  }

  async get(tenantId: string, id: string): Promise<{ info: StoredFileInfo; bytes: Buffer } | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.ds.getRepository(StoredFile).findOneBy({ tenantId, id });
    if (!row?.data) return undefined;
    const { data, ...info } = row;
    return { info, bytes: data };
  }

  list(tenantId: string, ownerType: string, ownerId: string): Promise<StoredFileInfo[]> {
    return this.ds.getRepository(StoredFile).find({ where: { tenantId, ownerType, ownerId }, select: INFO_COLUMNS, order: { createdAt: 'ASC' } });
  }
}

/** Every column but the bytes. */
const INFO_COLUMNS = Object.fromEntries(
  ['id', 'tenantId', 'ownerType', 'ownerId', 'purpose', 'filename', 'contentType', 'sizeBytes', 'sha256', 'storageKey', 'uploadedBy', 'createdAt'].map((c) => [
    c,
    true,
  ]),
) as Record<Exclude<keyof StoredFile, 'data'>, true>;
