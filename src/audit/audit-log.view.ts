import { Injectable } from '@nestjs/common';
import { sharedTranslations } from '../common/web/i18n.js';
import { AuditNamesReadModel } from './audit-names.read-model.js';
import { auditLine, namesWanted, type AuditLineEntry, type NameLookup } from './domain/audit-line.js';

export interface AuditReader {
  tenant: { id: string; defaultLocale: string; languages?: readonly string[] | null };
  locale: string;
  basePath: string;
}

export interface AuditLogRow<E> {
  entry: E;
  /** The sentence as HTML (every text in it escaped, links to the objects' pages). */
  html: string;
  text: string;
  actionLabel: string;
  actorName: string;
  dataJson: string;
}

/** A page of audit entries as sentences in the reader's language (names found in one query per kind of object). */
@Injectable()
export class AuditLogView {
  constructor(private readonly names: AuditNamesReadModel) {}

  async lookup(reader: AuditReader, entries: readonly AuditLineEntry[], extraPeople: readonly string[] = []): Promise<NameLookup> {
    const wanted = namesWanted(entries);
    if (extraPeople.length) {
      const people = wanted.get('user') ?? new Set<string>();
      extraPeople.forEach((id) => people.add(id));
      wanted.set('user', people);
    }
    return this.names.lookup(reader.tenant, reader.locale, wanted);
  }

  async rows<E extends AuditLineEntry>(reader: AuditReader, entries: readonly E[]): Promise<Array<AuditLogRow<E>>> {
    const names = await this.lookup(reader, entries);
    return rowsWith(reader, entries, names);
  }
}

export function rowsWith<E extends AuditLineEntry>(reader: AuditReader, entries: readonly E[], names: NameLookup): Array<AuditLogRow<E>> {
  const tr = sharedTranslations();
  const ctx = {
    t: (key: string, vars?: Record<string, unknown>) => tr.t(reader.locale, key, vars),
    has: (key: string) => tr.has(key),
    names,
    locale: reader.locale,
    basePath: reader.basePath,
  };
  return entries.map((e) => {
    const line = auditLine(ctx, e);
    const actor = e.actorUserId ? names('user', e.actorUserId)?.text : undefined;
    return {
      entry: e,
      html: line.html,
      text: line.text,
      actionLabel: tr.has(`auditAction.${e.action}`) ? ctx.t(`auditAction.${e.action}`) : e.action,
      actorName: actor ?? ctx.t(e.actorUserId ? 'auditActor.unknown' : 'auditActor.system'),
      dataJson: JSON.stringify(e.data ?? {}, null, 1),
    };
  });
}
