import { intlTagOf } from '../common/i18n/format.js';
import { listInMemory, paramNames, type ListColumn } from '../common/web/list-view.js';
import type { PageContext } from '../request-context/current.decorators.js';
import type { ApplicationProgress, JurorProgress } from './jury-vote.util.js';

/** The jurors' and the applications' progress as two sortable lists (the second one paged, with `a`-prefixed parameters). */
export function progressLists(
  page: Pick<PageContext, 'basePath' | 'locale'>,
  t: (key: string) => string,
  programmeId: string,
  p: { jurors: JurorProgress[]; applications: ApplicationProgress[] },
  raw: unknown,
) {
  const query = (raw ?? {}) as Record<string, unknown>;
  const path = `${page.basePath}/staff/programmes/${programmeId}/jury`;
  const intlTag = intlTagOf(page.locale);
  const jurorColumns: ListColumn<JurorProgress>[] = [
    { key: 'name', label: t('jury.name'), value: (j) => j.displayName },
    { key: 'organisation', label: t('field.organisation'), value: (j) => j.organisation },
    { key: 'assigned', label: t('jury.assigned'), value: (j) => j.assigned, numeric: true },
    { key: 'evaluated', label: t('jury.evaluated'), value: (j) => (j.expected ? j.evaluated / j.expected : 0), numeric: true },
    { key: 'conflicts', label: t('jury.conflicts'), value: (j) => j.conflicts, numeric: true },
    { key: 'state', label: t('jury.state'), value: (j) => j.complete },
  ];
  const applicationColumns: ListColumn<ApplicationProgress>[] = [
    { key: 'receipt', label: t('apply.receiptNumber'), value: (a) => a.receiptNumber },
    { key: 'title', label: t('field.title'), value: (a) => a.title },
    { key: 'jurors', label: t('jury.jurors'), value: (a) => a.jurors, numeric: true },
    { key: 'evaluations', label: t('jury.evaluations'), value: (a) => a.evaluations, numeric: true },
    { key: 'conflicts', label: t('jury.conflicts'), value: (a) => a.conflicts, numeric: true },
  ];
  const jurorNames = paramNames();
  const applicationNames = paramNames('a');
  return {
    /** Applications still lacking jurors with nobody left to give them to (k per application). */
    shortfalls: p.applications.filter((a) => a.missing > 0).length,
    jurors: listInMemory(p.jurors, jurorColumns, {
      path,
      query,
      filters: Object.values(applicationNames),
      defaultSort: 'state',
      defaultDir: 'asc',
      size: 200,
      intlTag,
    }),
    applications: listInMemory(p.applications, applicationColumns, {
      path,
      query,
      filters: Object.values(jurorNames),
      defaultSort: 'evaluations',
      defaultDir: 'asc',
      prefix: 'a',
      intlTag,
    }),
  };
}
