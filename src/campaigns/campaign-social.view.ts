import type { Localized } from '../common/i18n/localized.js';
import { formatMoney } from '../common/web/view.service.js';
import type { CampaignPage } from './campaigns.service.js';
import { mastodonInstance, shareLinks } from './domain/share.js';

/**
 * What the campaign page shows around the collection (issue 17): the hero's facts, the supporters'
 * wall, the share links and the honest figure of an unfunded campaign. Pure functions of the page's
 * data, like campaign-pages.view.ts (which assembles them). No I/O here.
 */

interface Tools {
  t: (key: string, vars?: Record<string, unknown>) => string;
  locale: string;
}

/** Characters of a news update's body shown in the hero. */
const EXCERPT_CHARS = 180;

/** A news text cut at a word near `EXCERPT_CHARS`, in each language it is written in. */
export function excerptOf(body: Localized): Localized {
  const out: Record<string, string> = {};
  for (const [lang, text] of Object.entries(body ?? {})) {
    const flat = String(text).replace(/\s+/g, ' ').trim();
    if (flat.length <= EXCERPT_CHARS) out[lang] = flat;
    else {
      const cut = flat.slice(0, EXCERPT_CHARS);
      const space = cut.lastIndexOf(' ');
      out[lang] = `${(space > EXCERPT_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')}…`;
    }
  }
  return out;
}

/** The supporters and the money that count on the page: before the refunds for an unfunded campaign. */
export function countedOf(p: CampaignPage): { collectedCents: number; matchedCents: number; contributors: number } {
  const c = p.campaign;
  if (p.reached) return { collectedCents: p.reached.cents, matchedCents: 0, contributors: p.reached.contributors };
  return { collectedCents: c.collectedCents, matchedCents: c.matchedCents, contributors: c.contributorCount };
}

/** The hero's facts: supporters, days left ("dernier jour", "terminée"), the latest news. */
export function heroFacts(p: CampaignPage, k: Tools) {
  const state = p.window.state;
  const supporters = countedOf(p).contributors;
  let daysText: string | null = null;
  if (state === 'closed') daysText = k.t('campaignPage.hero.over');
  else if (state === 'open' && p.window.daysLeft !== null) {
    daysText = p.window.daysLeft <= 1 ? k.t('campaignPage.hero.lastDay') : k.t('campaignPage.hero.daysLeft', { count: p.window.daysLeft });
  }
  const latest = p.updates[0];
  return {
    supportersText: k.t('campaignPage.hero.supporters', { count: supporters }),
    daysText,
    latestUpdate: latest ? { title: latest.title, createdAt: latest.createdAt, excerpt: excerptOf(latest.body) } : null,
  };
}

/** "6 970 € sur 7 000 € — les contributions ont été remboursées" for an unfunded campaign after settlement. */
export function reachedText(p: CampaignPage, k: Tools): string | null {
  if (!p.reached) return null;
  return k.t('campaignPage.reachedBeforeRefund', { reached: formatMoney(p.reached.cents, k.locale), goal: formatMoney(p.campaign.goalCents, k.locale) });
}

/**
 * One page of the wall, with links to the previous and next pages (`?supporters=2`, no JavaScript).
 * Anonymous supporters and those who gave no name read "Anonyme"; no e-mail and no amount is shown
 * (the contribution form does not ask whether the amount may be shown).
 */
export function wallModel(p: CampaignPage, path: string, k: Tools, anchor = 'supporters-title') {
  const w = p.wall;
  const pages = Math.max(1, Math.ceil(w.total / w.size));
  const at = (n: number) => (n <= 1 ? `${path}#${anchor}` : `${path}?supporters=${n}#${anchor}`);
  return {
    total: w.total,
    countText: k.t('campaignPage.wall.count', { count: w.total }),
    items: w.items.map((s) => ({
      id: s.id,
      name: s.anonymous || !s.displayName?.trim() ? null : s.displayName.trim(),
      message: s.message.trim(),
      messageHidden: s.messageHidden,
      lang: s.locale,
      confirmedAt: s.confirmedAt,
    })),
    page: w.page,
    pages,
    multiple: pages > 1,
    prevHref: w.page > 1 ? at(w.page - 1) : null,
    nextHref: w.page < pages ? at(w.page + 1) : null,
  };
}

/** The share links of a campaign, from its canonical URL (built from the authority's configured host). */
export function shareModel(url: string, title: string, k: Tools) {
  return {
    url,
    title,
    links: shareLinks(url, title, k.t('share.emailBody', { title, url })).map((l) => ({ ...l, label: k.t(`share.on.${l.network}`) })),
  };
}

/** The Mastodon step's instance, or the reason it was refused. */
export function mastodonStep(instance: unknown): { host: string | null; asked: boolean } {
  const asked = typeof instance === 'string' && instance.trim() !== '';
  return { host: asked ? mastodonInstance(instance) : null, asked };
}

/**
 * The campaign page's policy: helmet's, except that a form may lead to another https site. The Mastodon
 * share form goes to /share/mastodon, whose redirect to the visitor's instance browsers check against the
 * form page's `form-action`; every other form of the page posts to this site.
 */
/**
 * The campaign page's policy. Its form may lead to a payment page on another origin (the contribute POST
 * answers 303 to Stripe Checkout, over https); `formOrigins` adds an origin (a local Stripe stand-in in tests).
 */
export function campaignCsp(formOrigins: readonly string[] = []): string {
  return formOrigins.length ? CAMPAIGN_CSP.replace("form-action 'self' https:;", `form-action 'self' https: ${formOrigins.join(' ')};`) : CAMPAIGN_CSP;
}

export const CAMPAIGN_CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self' https:;frame-ancestors 'self';img-src 'self' https: data:;" +
  "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self';upgrade-insecure-requests";

/** A page number from the query (`?supporters=2`): anything else is page 1. */
export function pageNumber(v: unknown): number {
  const n = typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 1;
  return n > 1 ? n : 1;
}
