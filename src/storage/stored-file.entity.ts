import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';

/**
 * Uploaded files kept in PostgreSQL by default, so that any instance serves any file. The storage
 * port (file-storage.ts) lets a large installation keep the bytes in an S3-compatible store instead.
 */
@Entity('stored_file')
@Index('stored_file_tenant_owner_idx', ['tenantId', 'ownerType', 'ownerId'])
export class StoredFile {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'stored_file_tenant_fk' })
  private tenantRef?: Tenant;
  /** What the file belongs to, e.g. ('application', <id>), and for which question. */
  @Column('text') ownerType: string;
  @Column('uuid') ownerId: string;
  @Column('text') purpose: string;
  @Column('text') filename: string;
  @Column('text') contentType: string;
  @Column('int') sizeBytes: number;
  @Column('text') sha256: string;
  /** The bytes, when stored in PostgreSQL; null when an external store holds them (by storageKey). */
  @Column('bytea', { nullable: true }) data: Buffer | null;
  @Column('text', { nullable: true }) storageKey: string | null;
  @Column('uuid') uploadedBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
