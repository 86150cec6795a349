import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CredentialRef } from './principal.js';

export interface CredentialRow {
  id: string;
  kind: 'session' | 'token';
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

/** Who a presented secret stands for, and whether this use moved its expiry forward. */
export interface Authenticated {
  id: string;
  userId: string;
  renewed: boolean;
}

/** Times of one use of a credential: now, its new expiry, and the last use older than which it slides. */
export interface UseInstants {
  now: Date;
  expiresAt: Date;
  slideIfUsedBefore: Date;
}

/**
 * Web sessions, API tokens and sign-in links. Only hashes of their secrets are stored and compared;
 * nothing here returns a hash.
 */
@Injectable()
export class CredentialsRepository {
  constructor(private readonly ds: DataSource) {}

  async insertSession(tenantId: string, userId: string, tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
    await this.ds.query(`INSERT INTO web_session (token_hash, tenant_id, user_id, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)`, [
      tokenHash,
      tenantId,
      userId,
      now,
      expiresAt,
    ]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.ds.query('DELETE FROM web_session WHERE token_hash = $1', [tokenHash]);
  }

  async insertApiToken(tenantId: string, userId: string, tokenHash: string, name: string, now: Date, expiresAt: Date): Promise<void> {
    await this.ds.query(
      `INSERT INTO api_token (tenant_id, user_id, token_hash, name, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)`,
      [tenantId, userId, tokenHash, name, now, expiresAt],
    );
  }

  /**
   * The live session with this hash in this tenant. Its expiry slides only when its last use is older
   * than `slideIfUsedBefore` (about once an hour), so that reading a page is not a write each time.
   * One statement: the UPDATE in the CTE runs only for a stale row.
   */
  async useSession(tenantId: string, tokenHash: string, at: UseInstants): Promise<Authenticated | undefined> {
    const rows: Array<{ id: string; user_id: string; renewed: boolean }> = await this.ds.query(
      `WITH found AS (
         SELECT id, user_id, last_used_at FROM web_session WHERE token_hash = $1 AND tenant_id = $2 AND expires_at > $3
       ), slid AS (
         UPDATE web_session s SET last_used_at = $3, expires_at = $4 FROM found
         WHERE s.token_hash = $1 AND found.last_used_at < $5 RETURNING s.id
       )
       SELECT found.id, found.user_id, EXISTS (SELECT 1 FROM slid) AS renewed FROM found`,
      [tokenHash, tenantId, at.now, at.expiresAt, at.slideIfUsedBefore],
    );
    return rows[0] ? { id: rows[0].id, userId: rows[0].user_id, renewed: rows[0].renewed } : undefined;
  }

  /** The live (unrevoked, unexpired) API token with this hash in this tenant, sliding as useSession does. */
  async useApiToken(tenantId: string, tokenHash: string, at: UseInstants): Promise<Authenticated | undefined> {
    const rows: Array<{ id: string; user_id: string; renewed: boolean }> = await this.ds.query(
      `WITH found AS (
         SELECT id, user_id, last_used_at FROM api_token
         WHERE token_hash = $1 AND tenant_id = $2 AND revoked_at IS NULL AND expires_at > $3
       ), slid AS (
         UPDATE api_token t SET last_used_at = $3, expires_at = $4 FROM found
         WHERE t.id = found.id AND found.last_used_at < $5 RETURNING t.id
       )
       SELECT found.id, found.user_id, EXISTS (SELECT 1 FROM slid) AS renewed FROM found`,
      [tokenHash, tenantId, at.now, at.expiresAt, at.slideIfUsedBefore],
    );
    return rows[0] ? { id: rows[0].id, userId: rows[0].user_id, renewed: rows[0].renewed } : undefined;
  }

  /** A person's live sessions and API tokens in a tenant, most recently used first. */
  async listLive(tenantId: string, userId: string, now: Date): Promise<CredentialRow[]> {
    const rows: Array<{ id: string; kind: 'session' | 'token'; name: string | null; created_at: Date; last_used_at: Date; expires_at: Date }> =
      await this.ds.query(
        `SELECT id, 'session' AS kind, NULL AS name, created_at, last_used_at, expires_at
         FROM web_session WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3
         UNION ALL
         SELECT id, 'token' AS kind, name, created_at, last_used_at, expires_at
         FROM api_token WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3
         ORDER BY last_used_at DESC, created_at DESC`,
        [tenantId, userId, now],
      );
    return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at }));
  }

  /** Ends every session and token of a person in a tenant but `keep`; returns how many were live. */
  async revokeAll(em: EntityManager, tenantId: string, userId: string, now: Date, keep?: CredentialRef): Promise<number> {
    const keepSession = keep?.kind === 'session' ? keep.id : null;
    const keepToken = keep?.kind === 'token' ? keep.id : null;
    const [sessions] = await em.query(
      `DELETE FROM web_session WHERE tenant_id = $1 AND user_id = $2 AND id IS DISTINCT FROM $3::uuid RETURNING expires_at > $4 AS live`,
      [tenantId, userId, keepSession, now],
    );
    const [tokens] = await em.query(
      `UPDATE api_token SET revoked_at = $4
       WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND id IS DISTINCT FROM $3::uuid RETURNING expires_at > $4 AS live`,
      [tenantId, userId, keepToken, now],
    );
    return [...sessions, ...tokens].filter((r: { live: boolean }) => r.live).length;
  }

  /** Ends one live session or token of a person by its id; false when there is none. */
  async revokeOne(em: EntityManager, tenantId: string, userId: string, id: string, now: Date): Promise<boolean> {
    const [sessions] = await em.query(`DELETE FROM web_session WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND expires_at > $4 RETURNING id`, [
      tenantId,
      userId,
      id,
      now,
    ]);
    if (sessions.length) return true;
    const [tokens] = await em.query(
      `UPDATE api_token SET revoked_at = $4
       WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL AND expires_at > $4 RETURNING id`,
      [tenantId, userId, id, now],
    );
    return tokens.length > 0;
  }

  async insertLink(
    em: EntityManager,
    tenantId: string,
    userId: string,
    tokenHash: string,
    redirectTo: string | null,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    await em.query(`INSERT INTO sign_in_link (tenant_id, user_id, token_hash, redirect_to, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      tenantId,
      userId,
      tokenHash,
      redirectTo,
      now,
      expiresAt,
    ]);
  }

  /** Whether a link (sign-in or invitation) was issued to the person since `since`. */
  async linkIssuedSince(em: EntityManager, tenantId: string, userId: string, since: Date): Promise<boolean> {
    const rows = await em.query(`SELECT 1 FROM sign_in_link WHERE tenant_id = $1 AND user_id = $2 AND created_at > $3 LIMIT 1`, [tenantId, userId, since]);
    return rows.length > 0;
  }

  /** Uses a link up exactly once: the UPDATE is the check. */
  async consumeLink(tenantId: string, tokenHash: string, now: Date): Promise<{ userId: string; redirectTo: string | null } | undefined> {
    const [rows]: [Array<{ user_id: string; redirect_to: string | null }>] = await this.ds.query(
      `UPDATE sign_in_link SET used_at = $3
       WHERE token_hash = $1 AND tenant_id = $2 AND used_at IS NULL AND expires_at > $3
       RETURNING user_id, redirect_to`,
      [tokenHash, tenantId, now],
    );
    return rows[0] ? { userId: rows[0].user_id, redirectTo: rows[0].redirect_to } : undefined;
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.ds.query('DELETE FROM web_session WHERE expires_at < $1', [now]);
    await this.ds.query('DELETE FROM api_token WHERE expires_at < $1 OR revoked_at IS NOT NULL', [now]);
    await this.ds.query(`DELETE FROM sign_in_link WHERE expires_at < $1`, [new Date(now.getTime() - 86_400_000)]);
  }
}
