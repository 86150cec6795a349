import { formatMonth } from '../common/i18n/format.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import type { Localized } from '../common/i18n/localized.js';
import { languageFields, textIn, type ContentLanguages } from '../common/web/language-fields.js';
import { centsToInput } from '../common/web/money.js';
import type { Locale } from '../common/web/i18n.js';
import { formatInstant, formatMoney, type ViewService } from '../common/web/view.service.js';
import type { PageContext } from '../request-context/current.decorators.js';
import { campaignProgress, countdownTo } from '../public/domain/progress.js';
import type { ShareInput } from '../public/share-meta.service.js';
import { MAX_ROWS, rowsIn, str, type Form } from './campaign-form.js';
import type { Campaign, CampaignSettings, Contribution, MatchBudget, RewardTier } from './campaign.entity.js';
import type { CampaignsStaffService } from './campaigns-staff.service.js';
import type { CampaignPage } from './campaigns.service.js';
import { isEditable } from './domain/states.js';
import { countedOf, heroFacts, reachedText, shareModel, wallModel } from './campaign-social.view.js';
import { coverShare, editorImagesModel } from './campaign-images.view.js';

/**
 * What the campaign pages show, as functions of what the services answered: the controllers fetch,
 * these build the templates' models (the editor's form as a DTO is in campaign-form.ts). No I/O here.
 */

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;
/** Empty rows added to the FAQ and reward editors. */
const EMPTY_ROWS = 2;

/** The page's language and the few services a model needs, as plain functions. */
export interface PageTools {
  locale: Locale;
  now: Date;
  t: (key: string, vars?: Record<string, unknown>) => string;
  /** Whether the message catalogue has a key. */
  has: (key: string) => boolean;
  /** An instant in the authority's time zone. */
  date: (at: Date) => string;
  /** The authority's languages and default: the fallbacks of written texts, the editors' inputs. */
  languages: ContentLanguages;
  /** A written text as bare text in the page's language or its fallback (attributes, meta, CSV). */
  text: (value: Localized | null | undefined) => string;
}

export function pageTools(views: ViewService, page: PageContext, now: Date): PageTools {
  return {
    locale: page.locale,
    now,
    t: (key, vars) => views.t(page.locale, key, vars),
    has: (key) => views.translations.has(key),
    date: (at) => formatInstant(at, page.locale, page.tenant.timeZone),
    languages: { languages: page.tenant.languages, defaultLocale: page.tenant.defaultLocale },
    text: (value) => textIn(value, page.locale, page.tenant),
  };
}

/** "2026-12" → "décembre 2026" / "December 2026". */
function monthText(yyyymm: string | null, locale: Locale): string | null {
  if (!yyyymm || !/^\d{4}-\d{2}$/.test(yyyymm)) return null;
  return formatMonth(new Date(`${yyyymm}-01T12:00:00Z`), locale, 'UTC');
}

function progressOf(p: CampaignPage, k: PageTools) {
  const c = p.campaign;
  const counted = countedOf(p);
  return campaignProgress({
    label: k.text(c.title),
    goalCents: c.goalCents,
    collectedCents: counted.collectedCents,
    matchedCents: counted.matchedCents,
    matchCountsTowardGoal: p.matchCountsTowardGoal,
    contributorCount: counted.contributors,
    opensAt: p.window.opensAt,
    closesAt: p.window.closesAt,
    state: p.window.state === 'before' ? 'upcoming' : p.window.state,
    now: k.now,
    locale: k.locale,
  });
}

// ---- the citizens' campaign page ------------------------------------------------------------------

export interface PublicExtra {
  typed?: Record<string, unknown>;
  errorList?: FieldProblem[];
  errors?: Record<string, string>;
  notifyEmail?: string;
  subscribed?: boolean;
  /** The page's canonical URL (from the authority's configured host), for the share links. */
  shareUrl?: string;
}

/** The campaign page's model, without its share metadata (see `campaignShare`). */
export function campaignPageModel(p: CampaignPage, extra: PublicExtra & { idempotencyKey: string }, k: PageTools) {
  const { locale, t } = k;
  const c = p.campaign;
  const path = `/programmes/${p.programme.slug}/campaigns/${c.slug}`;
  const state = p.window.state;
  const date = (at: Date | null) => (at ? k.date(at) : null);

  let countdown: string | null = null;
  if (state === 'before' && p.window.opensAt) {
    const left = countdownTo(p.window.opensAt, k.now)!;
    countdown =
      left.unit === 'soon'
        ? t('campaignPage.opensSoon', { date: date(p.window.opensAt) })
        : t(`campaignPage.opensIn.${left.unit}`, { count: left.count, date: date(p.window.opensAt) });
  }
  const outcome = state === 'closed' ? (['funded', 'not_funded', 'awaiting_funds'].includes(c.status) ? c.status : 'closing') : null;
  const typed = extra.typed;
  const chosen = typed ? String(typed.rewardTierId ?? '') : '';
  const rewards = p.rewards.map((r) => ({
    id: r.id,
    // Picking a reward opens the form with it chosen and its minimum filled in; a sold-out one is no link.
    href: state === 'open' && r.remaining !== 0 ? `${path}?reward=${r.id}#contribute-title` : null,
    title: r.title,
    description: r.description,
    minText: formatMoney(r.minAmountCents, locale),
    limited: r.quantity !== null,
    remaining: r.remaining,
    soldOut: r.remaining === 0,
    delivery: monthText(r.estimatedDelivery, locale),
    checked: chosen === r.id,
  }));

  return {
    title: k.text(c.title),
    campaign: c,
    programme: p.programme,
    programmeHref: `/programmes/${p.programme.slug}`,
    path,
    progress: progressOf(p, k),
    before: state === 'before',
    open: state === 'open',
    closed: state === 'closed',
    countdown,
    closesText: date(p.window.closesAt),
    outcomeKey: outcome ? `campaignPage.outcome.${outcome}` : null,
    outcomeBadgeKey: outcome && outcome !== 'closing' ? `public.outcome.${outcome}` : null,
    rewards,
    noRewardChecked: !chosen,
    partners: p.partners,
    faq: c.faq,
    updates: p.updates,
    hero: heroFacts(p, k),
    reachedText: reachedText(p, k),
    wall: wallModel(p, path, k),
    laureate: p.laureate && p.laureate.name.trim() ? p.laureate : null,
    shareBox: extra.shareUrl ? shareModel(extra.shareUrl, k.text(c.title), k) : null,
    values: typed ?? {},
    idempotencyKey: extra.idempotencyKey,
    notifyEmail: extra.notifyEmail ?? '',
    subscribed: extra.subscribed ?? false,
    errorList: extra.errorList,
    errors: extra.errors ?? {},
  };
}

/** What the campaign page tells link previews; `site` makes the image's URL absolute. */
export function campaignShare(p: CampaignPage, site: string, k: Pick<PageTools, 'text'>): ShareInput {
  const c = p.campaign;
  const cover = coverShare(c);
  const title = k.text(c.title);
  return {
    path: `/programmes/${p.programme.slug}/campaigns/${c.slug}`,
    title,
    description: k.text(c.summary) || k.text(c.story).replace(/<[^>]*>/g, ' ') || title,
    image: cover ? `${site}${cover.path}` : null,
    imageWidth: cover?.width,
    imageHeight: cover?.height,
    imageAlt: k.text(c.imageAlt),
    type: 'article',
  };
}

/** A contribution's status page. */
export function contributionModel(
  s: {
    contribution: Contribution;
    campaign: Campaign;
    programmeSlug: string;
    rewardTitle: Localized | null;
    payment: { kind: 'confirm_by_email' } | { kind: 'redirect'; url: string | null; paid?: boolean } | null;
  },
  k: PageTools,
  /** `?checkout=` on the way back from the provider's page: `success` (paid there) or `cancel` (left without paying). */
  checkout?: unknown,
) {
  const c = s.contribution;
  const pledge = c.provider === 'pledge';
  const pending = c.status === 'pending';
  // Paid on the provider's page, its confirmation not here yet: "being confirmed", not "pay".
  const beingConfirmed = pending && s.payment?.kind === 'redirect' && (s.payment.paid === true || (checkout === 'success' && !s.payment.url));
  return {
    title: k.t('contribution.title'),
    contribution: c,
    campaign: s.campaign,
    rewardTitle: s.rewardTitle,
    campaignHref: `/programmes/${s.programmeSlug}/campaigns/${s.campaign.slug}`,
    statusKey: `contribution.status.${c.status}`,
    pending: c.status === 'pending',
    confirmed: c.status === 'confirmed',
    awaitsEmail: c.status === 'pending' && pledge,
    paymentUrl: s.payment?.kind === 'redirect' && !beingConfirmed ? s.payment.url : null,
    paymentUnavailable: s.payment?.kind === 'redirect' && !s.payment.url && !beingConfirmed,
    beingConfirmed,
    /** Back from the provider's page without paying, while it is still open. */
    paymentCancelled: pending && checkout === 'cancel' && !beingConfirmed,
    /** The page itself without `?checkout=` (to look again once the confirmation has come). */
    selfHref: `/contributions/${c.id}`,
    explanationKey: c.status === 'pending' ? null : `contribution.explain.${c.status}`,
  };
}

/** The message next to a field of the contribute form. */
export function contributeMessage(k: PageTools, field: string, p: CampaignPage, rewardId?: string): string {
  if (field === 'amount') {
    const reward = rewardId ? p.rewards.find((r) => r.id === rewardId) : undefined;
    return reward ? k.t('contribute.err.amountReward', { min: formatMoney(reward.minAmountCents, k.locale) }) : k.t('contribute.err.amount');
  }
  const keys: Record<string, string> = {
    email: 'email',
    displayName: 'displayName',
    message: 'message',
    rewardTierId: 'reward',
    locale: 'resend',
    anonymous: 'resend',
  };
  return k.t(`contribute.err.${keys[field] ?? 'resend'}`);
}

// ---- the laureate's editor ------------------------------------------------------------------------

export interface EditorExtra {
  errorList?: FieldProblem[];
  errors?: Record<string, string>;
  typed?: Form;
  /** The news form as submitted (`update-title.fr`, `update-body.en`…). */
  typedUpdate?: Form;
  saved?: string | null;
  /** The cover or gallery form as submitted (its text alternatives). */
  typedImages?: Form;
  query?: Record<string, unknown>;
}

/** The editor's model; `viewer` says who looks (the laureate, or staff of the programme). */
export function editorModel(
  p: CampaignPage,
  extra: EditorExtra,
  viewer: { userId: string; isStaff: boolean },
  links: { publicHref: string | null; updateKey: string },
  k: PageTools,
) {
  const c = p.campaign;
  const locale = k.locale;
  const typed = extra.typed;
  const value = (name: string, stored: unknown) => (typed ? str(typed, name) : (stored ?? ''));
  const langs = (name: string, stored: Localized | undefined, required = false) => languageFields(name, stored, typed, k.languages, { required });
  const faqCount = Math.min(MAX_ROWS, Math.max(c.faq.length, typed ? rowsIn(typed, 'faq') : 0) + EMPTY_ROWS);
  const faqRows = Array.from({ length: faqCount }, (_, i) => ({
    index: i,
    number: i + 1,
    question: langs(`faq.${i}.question`, c.faq[i]?.question),
    answer: langs(`faq.${i}.answer`, c.faq[i]?.answer),
  }));
  const rewardCount = Math.min(MAX_ROWS, Math.max(p.rewards.length, typed ? rowsIn(typed, 'rewards') : 0) + EMPTY_ROWS);
  const rewardRows = Array.from({ length: rewardCount }, (_, i) => {
    const r: RewardTier | undefined = p.rewards[i];
    return {
      index: i,
      number: i + 1,
      id: value(`rewards.${i}.id`, r?.id),
      title: langs(`rewards.${i}.title`, r?.title),
      description: langs(`rewards.${i}.description`, r?.description),
      minAmount: value(`rewards.${i}.minAmount`, r ? centsToInput(r.minAmountCents, locale) : ''),
      quantity: value(`rewards.${i}.quantity`, r?.quantity ?? ''),
      estimatedDelivery: value(`rewards.${i}.estimatedDelivery`, r?.estimatedDelivery ?? ''),
      matchEligible: typed ? typed[`rewards.${i}.matchEligible`] === 'yes' : (r?.matchEligible ?? true),
      remaining: r && r.quantity !== null ? r.remaining : null,
    };
  });
  const isLaureate = c.laureateUserId === viewer.userId;
  return {
    title: k.t('campaignEdit.title'),
    campaign: c,
    programme: p.programme,
    statusKey: `campaignEdit.status.${c.status}`,
    editable: isEditable(c.status),
    collecting: ['live', 'awaiting_funds', 'funded', 'not_funded'].includes(c.status),
    isStaff: viewer.isStaff,
    isLaureate,
    canSubmit: isLaureate && (c.status === 'draft' || c.status === 'changes_requested'),
    canReview: viewer.isStaff && (c.status === 'in_review' || c.status === 'approved'),
    publicHref: links.publicHref,
    images: editorImagesModel(c, extra.typedImages, k.languages),
    values: {
      title: langs('title', c.title, true),
      summary: langs('summary', c.summary, true),
      story: langs('story', c.story, true),
      goalEuros: value('goalEuros', centsToInput(c.goalCents, locale)),
    },
    faqRows,
    rewardRows,
    progress: progressOf(p, k),
    contributions: c.contributionCount,
    updates: p.updates,
    update: {
      title: languageFields('update-title', undefined, extra.typedUpdate, k.languages, { required: true }),
      body: languageFields('update-body', undefined, extra.typedUpdate, k.languages, { required: true }),
    },
    updateKey: links.updateKey,
    wall: wallModel(p, `/campaigns/${c.id}/edit`, k, 'wall-title'),
    savedKey:
      extra.saved && ['campaign', 'cover', 'gallery', 'submitted', 'update', 'message'].includes(extra.saved) ? `campaignEdit.saved.${extra.saved}` : null,
    errorList: extra.errorList,
    errors: extra.errors ?? {},
  };
}

/** A message for a field of the editor (or of the completeness check), in the page's language. */
export function editMessage(k: PageTools, field: string, fallback: string): string {
  const prop = field.split('.').pop()!;
  const key = field.startsWith('rewards.')
    ? `campaignEdit.err.reward.${prop}`
    : field.startsWith('faq.')
      ? `campaignEdit.err.faq.${prop}`
      : `campaignEdit.err.${prop}`;
  return k.has(key) ? k.t(key) : fallback;
}

export interface StaffExtra {
  errorList?: FieldProblem[];
  errors?: Record<string, string>;
  typedComments?: Record<string, string>;
  typedSettings?: Form;
  typedBudget?: Form;
  saved?: string | null;
  query?: Record<string, unknown>;
}

export function staffModel(
  o: Awaited<ReturnType<CampaignsStaffService['overview']>>,
  settings: CampaignSettings,
  partners: Array<{ id: string; name: string }>,
  publicHref: (c: Campaign) => string | null,
  extra: StaffExtra,
  k: PageTools,
) {
  const locale = k.locale;
  const partnerName = new Map(partners.map((x) => [x.id, x.name]));
  const money = (cents: number | null) => (cents === null ? '' : formatMoney(cents, locale));
  const tb = extra.typedBudget;
  const laureates = o.laureates.map((l) => {
    const c: Campaign | null = l.campaign;
    return {
      title: l.title,
      titleLang: l.locale,
      campaign: c,
      statusKey: c ? `campaignEdit.status.${c.status}` : 'campaignStaff.notStarted',
      collected: c ? money(c.collectedCents) : '',
      matched: c && c.matchedCents ? money(c.matchedCents) : '',
      goal: c ? money(c.goalCents) : '',
      contributors: c?.contributorCount ?? 0,
      publicHref: c ? publicHref(c) : null,
      canReview: !!c && (c.status === 'in_review' || c.status === 'approved'),
      comment: c ? (extra.typedComments?.[c.id] ?? '') : '',
      commentError: c ? extra.errors?.[`comment-${c.id}`] : undefined,
      decisionError: c ? extra.errors?.[`decision-${c.id}`] : undefined,
    };
  });
  return {
    title: k.t('campaignStaff.title'),
    programme: o.programme,
    laureates,
    settings: settingsValues(settings, extra.typedSettings, locale),
    budgets: o.budgets.map((b: MatchBudget) => ({
      ...b,
      partnerName: partnerName.get(b.partnerId) ?? b.partnerId,
      total: money(b.totalCents),
      remaining: money(b.remainingCents),
      grant: money(b.grantCents),
      kindKey: `campaignStaff.kind.${b.kind}`,
      scopeKey: `campaignStaff.scope.${b.scope}`,
    })),
    partners: partners.map((x) => ({ ...x, selected: tb ? str(tb, 'partnerId') === x.id : false })),
    budget: {
      kind: tb ? str(tb, 'kind') : 'ratio',
      scope: tb ? str(tb, 'scope') : 'all',
      totalEuros: tb ? str(tb, 'totalEuros') : '',
      grantEuros: tb ? str(tb, 'grantEuros') : '',
      grantThresholdPercent: tb ? str(tb, 'grantThresholdPercent') : '',
      grantMinContributors: tb ? str(tb, 'grantMinContributors') : '',
    },
    frozen: ['campaign', 'settlement', 'results'].includes(o.programme.phase),
    savedKey: extra.saved && ['review', 'settings', 'budget'].includes(extra.saved) ? `campaignStaff.saved.${extra.saved}` : null,
    errorList: extra.errorList,
    errors: extra.errors ?? {},
  };
}

function settingsValues(s: CampaignSettings, typed: Form | undefined, locale: Locale) {
  if (typed) {
    return {
      paymentProvider: str(typed, 'paymentProvider'),
      settlementPolicy: str(typed, 'settlementPolicy'),
      matchCountsTowardGoal: typed.matchCountsTowardGoal === 'yes',
      matchOnlyListedRewards: typed.matchOnlyListedRewards === 'yes',
      pendingGraceHours: str(typed, 'pendingGraceHours'),
      matchFactorPercent: str(typed, 'matchFactorPercent'),
      matchCapPerContributionEuros: str(typed, 'matchCapPerContributionEuros'),
      matchCapPerCampaignEuros: str(typed, 'matchCapPerCampaignEuros'),
      matchMaxPerContributor: str(typed, 'matchMaxPerContributor'),
    };
  }
  return {
    paymentProvider: s.paymentProvider,
    settlementPolicy: s.settlementPolicy,
    matchCountsTowardGoal: s.matchCountsTowardGoal,
    matchOnlyListedRewards: s.matchOnlyListedRewards,
    pendingGraceHours: String(s.pendingGraceHours),
    matchFactorPercent: String(s.matchFactorPercent),
    matchCapPerContributionEuros: centsToInput(s.matchCapPerContributionCents, locale),
    matchCapPerCampaignEuros: centsToInput(s.matchCapPerCampaignCents, locale),
    matchMaxPerContributor: s.matchMaxPerContributor === null ? '' : String(s.matchMaxPerContributor),
  };
}
