/**
 * One audit entry as a sentence in the reader's language: "Claire Martin a approuvé la campagne
 * « Atelier vélo »". The actor and the object are named (a link where the object has a page); the
 * catalogue has one sentence per action (`auditLine.<action>`), an action without one reads as its
 * label. Pure: the names come from the caller (one batched query per kind of object).
 */

export interface AuditLineEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  actorUserId: string | null;
}

/** A name found for an object: its text, its language when not the page's, and its page (a path). */
export interface NamedObject {
  text: string;
  lang?: string | null;
  href?: string | null;
}

/** Text and HTML of the same sentence (the HTML for the page, the text for CSV). */
export interface AuditLine {
  text: string;
  html: string;
}

export type NameLookup = (type: string, id: string) => NamedObject | undefined;

export interface LineContext {
  t: (key: string, vars?: Record<string, unknown>) => string;
  has: (key: string) => boolean;
  names: NameLookup;
  locale: string;
  /** Prefix of the authority's paths ("" or "/t/slug"). */
  basePath: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The subject types with a noun phrase in the catalogue (`auditSubject.<type>`). */
export const NAMED_SUBJECTS = ['application', 'campaign', 'programme', 'user', 'coaching_milestone', 'tenant', 'payment_settings', 'contribution'];

/** A message whose values may be fragments (HTML kept, text escaped). */
function message(ctx: LineContext, key: string, vars: Record<string, unknown>): AuditLine {
  const fragments: AuditLine[] = [];
  const tokenVars: Record<string, unknown> = {};
  const textVars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (v && typeof v === 'object' && 'html' in v) {
      tokenVars[k] = `\u0001${fragments.push(v as AuditLine) - 1}\u0001`;
      textVars[k] = (v as AuditLine).text;
    } else {
      tokenVars[k] = v;
      textVars[k] = v;
    }
  }
  const html = escapeHtml(ctx.t(key, tokenVars)).replace(/\u0001(\d+)\u0001/g, (_, i: string) => fragments[Number(i)].html);
  return { text: ctx.t(key, textVars), html };
}

function named(ctx: LineContext, found: NamedObject): AuditLine {
  const lang = found.lang && found.lang !== ctx.locale ? ` lang="${escapeHtml(found.lang)}"` : '';
  const inner = escapeHtml(found.text);
  const html = found.href ? `<a href="${escapeHtml(ctx.basePath + found.href)}"${lang}>${inner}</a>` : lang ? `<span${lang}>${inner}</span>` : inner;
  return { text: found.text, html };
}

function plain(text: string): AuditLine {
  return { text, html: escapeHtml(text) };
}

/** "la campagne « X »" (or, with `.of`, "de la campagne « X »": languages contract articles), or "une campagne" when its name is not found (deleted, or not named). */
export function subjectPhrase(ctx: LineContext, type: string, id: string, form: '' | '.of' = ''): AuditLine {
  const found = id ? ctx.names(type, id) : undefined;
  const kind = NAMED_SUBJECTS.includes(type) ? type : 'other';
  if (found) return message(ctx, `auditSubject.${kind}${form}`, { name: named(ctx, found) });
  return plain(ctx.t(`auditSubject.${kind}${form}.unnamed`));
}

export function actorPhrase(ctx: LineContext, e: AuditLineEntry): AuditLine {
  if (e.actorUserId) {
    const found = ctx.names('user', e.actorUserId);
    return found ? named(ctx, found) : plain(ctx.t('auditActor.unknown'));
  }
  return plain(ctx.t(e.data.trigger === 'schedule' ? 'auditActor.schedule' : 'auditActor.system'));
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The data fields a sentence may name: counts, phases and roles by their label, people and partners by name. */
function dataVars(ctx: LineContext, e: AuditLineEntry): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.data ?? {})) {
    if (typeof v === 'number') vars[k] = v;
    else if (typeof v === 'string') vars[k] = v;
    else if (Array.isArray(v)) vars[k] = v.length;
  }
  const d = e.data ?? {};
  if (e.action.startsWith('programme.')) {
    if (str(d.from)) vars.from = ctx.t(`phase.${str(d.from)}`);
    if (str(d.to)) vars.to = ctx.t(`phase.${str(d.to)}`);
  }
  if (e.action === 'application.screened') {
    vars.from = str(d.from);
    vars.to = str(d.to);
  }
  if (str(d.role)) vars.role = ctx.has(`role.${str(d.role)}`) ? ctx.t(`role.${str(d.role)}`) : str(d.role);
  if (str(d.partnerId)) {
    const p = ctx.names('partner', str(d.partnerId));
    vars.partner = p ? named(ctx, p) : plain(str(d.name) || ctx.t('auditSubject.partner.unnamed'));
  }
  if (str(d.coachUserId)) {
    const c = ctx.names('user', str(d.coachUserId));
    vars.coach = c ? named(ctx, c) : plain(ctx.t('auditActor.unknown'));
  }
  return vars;
}

export function auditLine(ctx: LineContext, e: AuditLineEntry): AuditLine {
  const key = `auditLine.${e.action}`;
  if (!ctx.has(key)) return plain(ctx.has(`auditAction.${e.action}`) ? ctx.t(`auditAction.${e.action}`) : e.action);
  return message(ctx, key, {
    ...dataVars(ctx, e),
    actor: actorPhrase(ctx, e),
    subject: subjectPhrase(ctx, e.subjectType, e.subjectId),
    subjectOf: subjectPhrase(ctx, e.subjectType, e.subjectId, '.of'),
  });
}

/** Ids to name, per kind of object, for a page of entries (the actor, the subject, people and partners in the data). */
export function namesWanted(entries: readonly AuditLineEntry[]): Map<string, Set<string>> {
  const wanted = new Map<string, Set<string>>();
  const add = (type: string, id: unknown) => {
    if (typeof id !== 'string' || !id) return;
    if (!wanted.has(type)) wanted.set(type, new Set());
    wanted.get(type)!.add(id);
  };
  for (const e of entries) {
    add('user', e.actorUserId);
    add(e.subjectType, e.subjectId);
    add('partner', e.data?.partnerId);
    add('user', e.data?.coachUserId);
  }
  return wanted;
}
