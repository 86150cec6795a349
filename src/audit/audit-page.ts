import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import type { AuditFilter } from './audit.service.js';
import { pageOf, type Pager } from '../common/web/list-view.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;
export const AUDIT_PAGE_SIZE = 50;

export interface AuditQueryParams {
  action?: unknown;
  actor?: unknown;
  from?: unknown;
  to?: unknown;
  page?: unknown;
}

/** The filters of an audit page as typed: those that do not parse are ignored (and shown empty) — it is a read-only view. */
export function auditFilterOf(q: AuditQueryParams, timeZone: string): { filter: AuditFilter; from: string; to: string; page: number } {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  const filter: AuditFilter = {
    action: s(q.action) && s(q.action).length <= 100 ? s(q.action) : undefined,
    actor: s(q.actor) === 'system' || UUID.test(s(q.actor)) ? s(q.actor) : undefined,
    from: DATE.test(s(q.from)) ? zonedWallTimeToInstant(`${s(q.from)}T00:00`, timeZone) : undefined,
    to: DATE.test(s(q.to)) ? zonedWallTimeToInstant(`${s(q.to)}T00:00`, timeZone) : undefined,
  };
  if (filter.to) filter.to = new Date(filter.to.getTime() + DAY); // the "to" day is included
  const page = /^\d{1,6}$/.test(s(q.page)) ? Math.max(1, Number(s(q.page))) : 1;
  return { filter, from: filter.from ? s(q.from) : '', to: filter.to ? s(q.to) : '', page };
}

/** The query string of the same filters (for the pager, the CSV link). */
export function auditQueryString(f: { filter: AuditFilter; from: string; to: string }, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  if (f.filter.action) params.set('action', f.filter.action);
  if (f.filter.actor) params.set('actor', f.filter.actor);
  if (f.from) params.set('from', f.from);
  if (f.to) params.set('to', f.to);
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  const q = params.toString();
  return q ? `?${q}` : '';
}

/** "Page X of Y" with previous/next links that keep the filters. */
export function pagerOf(path: string, f: { filter: AuditFilter; from: string; to: string }, page: number, total: number, size = AUDIT_PAGE_SIZE): Pager {
  const { page: current, pages, offset } = pageOf({ sort: '', dir: 'asc', page, size }, total);
  return {
    page: current,
    pages,
    total,
    first: total ? offset + 1 : 0,
    last: Math.min(total, offset + size),
    prevHref: current > 1 ? path + auditQueryString(f, { page: current - 1 }) : null,
    nextHref: current < pages ? path + auditQueryString(f, { page: current + 1 }) : null,
    multiple: pages > 1,
  };
}
