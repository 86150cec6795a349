import { formatNumber } from '../common/i18n/format.js';
import type { Locale } from '../common/i18n/localized.js';
import type { Message } from '../common/i18n/message.js';
import { openPlaces } from './domain/index.js';
import type { JuryResultsService } from './jury-results.service.js';

type Results = Awaited<ReturnType<JuryResultsService['results']>>;

/** The staff page's results panel: the ranking explained, the draw and its seed, the lists to confirm. */
/** `say` renders an explanation for the page (HTML: a title in another language than the page's is marked). */
export function resultsView<S>(locale: Locale, r: Results, say: (m: Message | undefined) => S) {
  const byApp = new Map(r.apps.map((a) => [a.id, a]));
  const receipt = (id: string) => byApp.get(id)?.receiptNumber ?? id;
  const named = (id: string) => ({ receipt: receipt(id), title: byApp.get(id)?.title ?? '', titleLang: byApp.get(id)?.locale ?? null });
  const scores = new Map(r.tally.result.scores.map((s) => [s.applicationId, s]));
  const outcome = new Map(r.outcomes.map((x) => [x.applicationId, x]));
  const { draw } = r.tally.selection;
  return {
    explanation: say(r.tally.selection.explanation),
    rows: r.tally.selection.entries.map((e) => ({
      ...e,
      ...named(e.applicationId),
      scoreText: formatNumber(e.score, locale, 4),
      method: say(scores.get(e.applicationId)?.explanation),
      selection: say(e.explanation),
      outcome: outcome.get(e.applicationId)?.status ?? null,
    })),
    unranked: r.tally.result.unranked.map((u) => ({ ...named(u.applicationId), explanation: say(u.explanation) })),
    boundaryTies: r.tally.selection.boundaryTies.map((b) => say(b.explanation)),
    unmetQuotas: r.tally.selection.unmetQuotas.map((q) => say(q.explanation)),
    // "Tirage au sort": the seed, and each tie it settled in the order it gave, so anyone can redo it.
    draw: draw.ties.length ? { seed: draw.seed, ties: draw.ties.map((t) => ({ score: t.score, applications: t.applicationIds.map(named) })) } : null,
    changes: changesView(r, named),
    laureates: (r.outcomes.length ? r.outcomes.filter((x) => x.status === 'laureate').map((x) => x.applicationId) : r.tally.selection.laureates)
      .map(receipt)
      .join('\n'),
    waitingList: (r.outcomes.length
      ? r.outcomes
          .filter((x) => x.status === 'waiting')
          .sort((a, b) => a.waitingPosition! - b.waitingPosition!)
          .map((x) => x.applicationId)
      : r.tally.selection.waitingList
    )
      .map(receipt)
      .join('\n'),
  };
}

/**
 * After the announcement, the laureates as they now stand and their history: each withdrawn one with
 * the date and the reason, each promoted one marked with the date and the waiting position it came from.
 */
function changesView(r: Results, named: (id: string) => { receipt: string; title: string; titleLang: string | null }) {
  if (!r.jury.announcedAt) return null;
  const waiting = r.outcomes.filter((o) => o.status === 'waiting').sort((a, b) => a.waitingPosition! - b.waitingPosition!);
  return {
    laureates: r.outcomes
      .filter((o) => o.status === 'laureate')
      .map((o) => ({ applicationId: o.applicationId, ...named(o.applicationId), promotedAt: o.promotedAt, promotedFrom: o.promotedFromPosition })),
    withdrawn: r.outcomes
      .filter((o) => o.status === 'withdrawn')
      .map((o) => ({
        ...named(o.applicationId),
        at: o.withdrawnAt,
        reason: o.withdrawnReason,
        byLaureate: o.withdrawnByLaureate,
        promotedAt: o.promotedAt,
        promotedFrom: o.promotedFromPosition,
      })),
    waiting: waiting.map((o) => ({ ...named(o.applicationId), position: o.waitingPosition })),
    openPlaces: openPlaces(r.outcomes),
    canPromote: waiting.length > 0 && openPlaces(r.outcomes) > 0,
  };
}
