import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PlatformAdmin, PlatformCredential } from './platform-admin.entity.js';

@Injectable()
export class PlatformRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  async upsertAdmin(em: EntityManager, email: string, displayName: string): Promise<{ admin: PlatformAdmin; created: boolean }> {
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO platform_admin (email, display_name) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, displayName],
    );
    const admin = (await em.getRepository(PlatformAdmin).findOneBy({ email }))!;
    return { admin, created: rows.length > 0 };
  }

  adminByEmail(email: string, em: EntityManager = this.ds.manager): Promise<PlatformAdmin | null> {
    return em.getRepository(PlatformAdmin).findOneBy({ email });
  }

  adminById(id: string, em: EntityManager = this.ds.manager): Promise<PlatformAdmin | null> {
    return em.getRepository(PlatformAdmin).findOneBy({ id });
  }

  countAdmins(): Promise<number> {
    return this.ds.getRepository(PlatformAdmin).count();
  }

  async addCredential(em: EntityManager, row: Pick<PlatformCredential, 'adminId' | 'kind' | 'tokenHash' | 'expiresAt'>): Promise<void> {
    await em.getRepository(PlatformCredential).insert(row);
  }

  /** Uses a one-time link: the UPDATE is the check. */
  async useLink(tokenHash: string, now: Date): Promise<string | null> {
    const [rows]: [Array<{ admin_id: string }>, number] = await this.ds.query(
      `UPDATE platform_credential SET used_at = $2 WHERE token_hash = $1 AND kind = 'link' AND used_at IS NULL AND expires_at > $2 RETURNING admin_id`,
      [tokenHash, now],
    );
    return rows[0]?.admin_id ?? null;
  }

  /** The admin behind a session or token, sliding its expiry forward at most once an hour. */
  async adminFor(tokenHash: string, kinds: Array<'session' | 'token'>, now: Date, slideToMs: number): Promise<PlatformAdmin | null> {
    const rows: Array<{ admin_id: string; expires_at: Date }> = await this.ds.query(
      `SELECT admin_id, expires_at FROM platform_credential WHERE token_hash = $1 AND kind = ANY($2) AND expires_at > $3`,
      [tokenHash, kinds, now],
    );
    if (!rows.length) return null;
    const slid = new Date(now.getTime() + slideToMs);
    if (slid.getTime() - new Date(rows[0].expires_at).getTime() > 3_600_000) {
      await this.ds.query(`UPDATE platform_credential SET expires_at = $2 WHERE token_hash = $1`, [tokenHash, slid]);
    }
    return this.adminById(rows[0].admin_id);
  }

  async revoke(tokenHash: string): Promise<void> {
    await this.ds.query(`DELETE FROM platform_credential WHERE token_hash = $1`, [tokenHash]);
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.ds.query(`DELETE FROM platform_credential WHERE expires_at < $1`, [now]);
  }
}
