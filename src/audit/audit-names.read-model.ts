import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { contentFallbacks, pickLocalized, type Localized } from '../common/i18n/localized.js';
import type { NamedObject, NameLookup } from './domain/audit-line.js';

interface Row {
  id: string;
  name: unknown;
  lang?: string | null;
  programme_id?: string | null;
}

/** One query per kind of object: its name, its language when one is stored, and its programme (for links). */
const QUERIES: Record<string, string> = {
  application: `SELECT id::text AS id, title AS name, locale AS lang, programme_id::text AS programme_id FROM application WHERE tenant_id = $1 AND id::text = ANY($2)`,
  campaign: `SELECT id::text AS id, title AS name, programme_id::text AS programme_id FROM campaign WHERE tenant_id = $1 AND id::text = ANY($2)`,
  programme: `SELECT id::text AS id, title AS name FROM programme WHERE tenant_id = $1 AND id::text = ANY($2)`,
  user: `SELECT id::text AS id, display_name AS name FROM app_user WHERE tenant_id = $1 AND id::text = ANY($2)`,
  partner: `SELECT id::text AS id, name, programme_id::text AS programme_id FROM partner WHERE tenant_id = $1 AND id::text = ANY($2)`,
  coaching_milestone: `SELECT id::text AS id, title AS name FROM coaching_milestone WHERE tenant_id = $1 AND id::text = ANY($2)`,
  tenant: `SELECT id::text AS id, name FROM tenant WHERE id = $1 AND id::text = ANY($2)`,
};

/** Where staff see the object. */
function pageOf(type: string, r: Row): string | null {
  switch (type) {
    case 'application':
      return `/staff/applications/${r.id}`;
    case 'campaign':
      return r.programme_id ? `/staff/programmes/${r.programme_id}/campaigns` : null;
    case 'programme':
      return `/staff/programmes/${r.id}`;
    case 'user':
      return `/staff/people/${r.id}`;
    case 'partner':
      return r.programme_id ? `/staff/programmes/${r.programme_id}/matching` : null;
    default:
      return null;
  }
}

/**
 * The names of the objects an audit page mentions (applications, campaigns, programmes, people,
 * partners, milestones), read across modules in one batched query per kind — see the read-models
 * list in docs/architecture.md.
 */
@Injectable()
export class AuditNamesReadModel {
  constructor(private readonly ds: DataSource) {}

  async lookup(
    tenant: { id: string; defaultLocale: string; languages?: readonly string[] | null },
    locale: string,
    wanted: Map<string, Set<string>>,
  ): Promise<NameLookup> {
    const found = new Map<string, NamedObject>();
    const fallbacks = contentFallbacks(tenant);
    for (const [type, ids] of wanted) {
      const sql = QUERIES[type];
      if (!sql || !ids.size) continue;
      const rows: Row[] = await this.ds.query(sql, [tenant.id, [...ids]]);
      for (const r of rows) {
        let text = '';
        let lang: string | null = r.lang ?? null;
        if (typeof r.name === 'string') text = r.name;
        else {
          const picked = pickLocalized(r.name as Localized, locale, fallbacks);
          text = picked?.text ?? '';
          lang = picked?.lang ?? null;
        }
        if (text.trim()) found.set(`${type}:${r.id}`, { text, lang, href: pageOf(type, r) });
      }
    }
    return (type, id) => found.get(`${type}:${id}`);
  }
}
