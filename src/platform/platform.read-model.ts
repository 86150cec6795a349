import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AuthoritySummary {
  id: string;
  slug: string;
  name: string;
  hosts: string[];
  languages: Locale[];
  defaultLocale: Locale;
  timeZone: string;
  senderName: string;
  senderEmail: string;
  suspendedAt: Date | null;
  createdAt: Date;
  programmes: number;
  staff: number;
}

/**
 * The platform's list of authorities, read across modules in this one declared file (tenants, their
 * hosts, programmes and staff grants): a read model, like reports/ and public/.
 */
@Injectable()
export class PlatformReadModel {
  constructor(private readonly ds: DataSource) {}

  async authorities(): Promise<AuthoritySummary[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(`
      SELECT t.id, t.slug, t.name, t.languages, t.default_locale, t.time_zone, t.sender_name, t.sender_email, t.suspended_at, t.created_at,
        COALESCE((SELECT array_agg(h.host ORDER BY h.host) FROM tenant_host h WHERE h.tenant_id = t.id), '{}') AS hosts,
        (SELECT count(*) FROM programme p WHERE p.tenant_id = t.id)::int AS programmes,
        (SELECT count(DISTINCT g.user_id) FROM role_grant g WHERE g.tenant_id = t.id AND g.role = 'staff')::int AS staff
      FROM tenant t ORDER BY t.name`);
    return rows.map((r) => ({
      id: r.id as string,
      slug: r.slug as string,
      name: r.name as string,
      hosts: r.hosts as string[],
      languages: r.languages as Locale[],
      defaultLocale: r.default_locale as Locale,
      timeZone: r.time_zone as string,
      senderName: r.sender_name as string,
      senderEmail: r.sender_email as string,
      suspendedAt: (r.suspended_at as Date | null) ?? null,
      createdAt: r.created_at as Date,
      programmes: r.programmes as number,
      staff: r.staff as number,
    }));
  }

  /** The addresses of an authority's staff (oldest first), for the platform's authority page. */
  async staffEmails(tenantId: string): Promise<string[]> {
    const rows: Array<{ email: string }> = await this.ds.query(
      `
      SELECT u.email FROM app_user u
      WHERE u.tenant_id = $1 AND EXISTS (SELECT 1 FROM role_grant g WHERE g.tenant_id = u.tenant_id AND g.user_id = u.id AND g.role = 'staff')
      ORDER BY u.created_at, u.email`,
      [tenantId],
    );
    return rows.map((r) => r.email);
  }
}
