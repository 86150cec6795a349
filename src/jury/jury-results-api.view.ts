import type { Locale } from '../common/i18n/localized.js';
import { renderMessage } from '../common/i18n/message.js';
import { sharedTranslations } from '../common/web/i18n.js';
import type { Explanation } from './domain/panel.js';
import type { outcomeView } from './jury.controller.js';
import type { JuryResultsService } from './jury-results.service.js';

type Results = Awaited<ReturnType<JuryResultsService['results']>>;
type Entry = Results['tally']['selection']['entries'][number];
type Unranked = Results['tally']['result']['unranked'][number];

/** What the API says of the results (GET /api/programmes/:id/jury/results): each explanation in the reader's language. */
export function juryResultsView({ jury, apps, tally }: Results, locale: Locale, outcomes: ReturnType<typeof outcomeView>[]) {
  const said = sayer(locale);
  const byApp = new Map(apps.map((a) => [a.id, a]));
  const info = (id: string) => ({
    applicationId: id,
    title: byApp.get(id)?.title ?? '',
    receiptNumber: byApp.get(id)?.receiptNumber ?? null,
    category: byApp.get(id)?.category ?? null,
  });
  const scoreOf = new Map(tally.result.scores.map((s) => [s.applicationId, s]));
  return {
    method: jury.method,
    status: jury.status,
    confirmedAt: jury.confirmedAt,
    announcedAt: jury.announcedAt,
    explanation: said(tally.selection.explanation),
    ranking: tally.selection.entries.map((e) => rankedApplicationView(e, info(e.applicationId), scoreOf.get(e.applicationId), locale)),
    unranked: tally.result.unranked.map((u) => unrankedApplicationView(u, info(u.applicationId), locale)),
    ignored: tally.result.ignored,
    proposal: { laureates: tally.selection.laureates, waitingList: tally.selection.waitingList },
    unmetQuotas: tally.selection.unmetQuotas.map((q) => ({ ...q, explanation: said(q.explanation) })),
    boundaryTies: tally.selection.boundaryTies.map((b) => ({ ...b, explanation: said(b.explanation) })),
    // The last-resort draw: its seed and the ties it settled (HMAC-SHA-256 of each id with the seed, smallest first).
    draw: { seed: tally.selection.draw.seed, ties: tally.selection.draw.ties.map((d) => ({ ...d, applications: d.applicationIds.map(info) })) },
    outcomes,
  };
}

type Info = { applicationId: string; title: string; receiptNumber: string | null; category: string | null };

/** One application of the ranking: its place, ties and proposal, with the figures behind its score. */
export function rankedApplicationView(e: Entry, info: Info, score: Results['tally']['result']['scores'][number] | undefined, locale: Locale) {
  const said = sayer(locale);
  return {
    ...info,
    score: e.score,
    rank: e.rank,
    position: e.position,
    tied: e.tied,
    tieSize: e.tieSize,
    tieBreaks: e.tieBreaks,
    proposal: e.status,
    reason: e.reason,
    waitingListPosition: e.waitingListPosition ?? null,
    jurorCount: score?.jurorCount ?? 0,
    contributions: score?.contributions ?? [],
    method: said(score?.explanation),
    selection: said(e.explanation),
  };
}

/** An application left out of the ranking (too few ballots, a conflict...), and why. */
export function unrankedApplicationView(u: Unranked, info: Info, locale: Locale) {
  return { ...info, reason: u.reason, jurorCount: u.jurorCount, explanation: sayer(locale)(u.explanation) };
}

/** Each explanation keeps its code and figures, and says itself in the reader's language. */
function sayer(locale: Locale) {
  return <T extends Explanation | undefined>(e: T) => (e ? { ...e, text: renderMessage((l, k, v) => sharedTranslations().t(l, k, v), locale, e) } : null);
}
