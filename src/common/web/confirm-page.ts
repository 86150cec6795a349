import type { LayoutContext, ViewService } from './view.service.js';

/** What a confirmation page (templates/pages/staff/confirm.hbs) shows before an irreversible action. */
export interface Confirmation {
  /** The question, e.g. "Clore le vote ?". */
  title: string;
  /** What will happen, one sentence each, with the counts of people and items concerned. */
  consequences: string[];
  /** The POST route that does the action (without basePath). */
  action: string;
  /** The label of the confirm button. */
  confirmLabel: string;
  /** Where "cancel" goes back to (without basePath). */
  cancel: string;
  /** Form values carried over to the POST (e.g. the reason typed on the previous page). */
  fields?: Record<string, string>;
}

/** Renders the shared confirmation page: the confirm form posts to the action's usual route. */
export function confirmPage(views: ViewService, page: LayoutContext, c: Confirmation): string {
  return views.page('pages/staff/confirm', page, {
    title: c.title,
    consequences: c.consequences,
    action: `${page.basePath}${c.action}`,
    confirmLabel: c.confirmLabel,
    cancelHref: `${page.basePath}${c.cancel}`,
    fields: Object.entries(c.fields ?? {}).map(([name, value]) => ({ name, value })),
  });
}
