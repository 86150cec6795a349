import { ConsentService } from '../privacy/consent.service.js';
import type { StoredImage } from '../common/web/image-view.js';
import { sharedTranslations } from '../common/web/i18n.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toCsv } from '../applications/domain/export.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { cleanLocalized, inLanguage, type Locale, type Localized } from '../common/i18n/localized.js';
import { textIn } from '../common/web/language-fields.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { LaureatesQuery } from '../jury/laureates.query.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { PhaseHooks, type PhaseChange } from '../programmes/phase-hooks.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Campaign, CampaignUpdate, RewardTier } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignPageReader } from './campaign-page.reader.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { emailKey } from './domain/contribution.js';
import { campaignCompletenessProblems } from './domain/completeness.js';
import { assertCampaignMove, isEditable } from './domain/states.js';
import { storyFromText } from './domain/story.js';
import type { WindowState } from './domain/window.js';
import type { CampaignUpdateDto, SubscribeDto, UpdateCampaignDto } from './dto/campaigns.dto.js';
import { SettlementService } from './settlement.service.js';
import type { Supporter } from './supporters.repository.js';
import { assertOffered } from '../common/i18n/is-locale.js';

const PUBLIC_STATUSES = ['approved', 'live', 'awaiting_funds', 'funded', 'not_funded'];
const PUBLIC_PHASES = ['communication', 'campaign', 'settlement', 'results'];

/** What a campaign page shows, computed once per request. */
export interface CampaignPage {
  programme: Programme;
  campaign: Campaign;
  rewards: RewardTier[];
  partners: Array<{ id: string; name: string; logoUrl: string | null; logo: StoredImage | null }>;
  updates: CampaignUpdate[];
  window: { state: WindowState; opensAt: Date | null; closesAt: Date | null; daysLeft: number | null };
  /** Whether match-funding counts toward the goal (the programme's settings): the progress bar follows it. */
  matchCountsTowardGoal: boolean;
  /** One page of the supporters' wall (`page` clamped to the last one), newest first. */
  wall: { items: Supporter[]; total: number; page: number; size: number };
  /** An unfunded campaign's figures before its refunds (null for any other status). */
  reached: { cents: number; contributors: number } | null;
  /** Who is behind the project, as their application says (null if the application is gone). */
  laureate: { name: string; organisation: string; commune: string } | null;
}

/** Each language's story sanitised on its own (HTML to an allow-list, or plain text to paragraphs). */
function storyIn(story: Record<string, string>): Localized {
  const out: Record<string, string> = {};
  for (const [lang, text] of Object.entries(cleanLocalized(story))) {
    const html = storyFromText(text);
    if (html.replace(/<[^>]*>/g, '').trim()) out[lang] = html;
  }
  return out;
}

function slugify(text: string): string {
  const s = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s.length >= 2 ? s : `campagne-${s}`.replace(/-+$/, '');
}

/** Campaign pages: the laureate writes, staff review, the programme's window opens them all at once. */
@Injectable()
export class CampaignsService implements OnModuleInit {
  constructor(
    private readonly repo: CampaignsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly contributions: ContributionsRepository,
    private readonly settlement: SettlementService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly hooks: PhaseHooks,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
    private readonly laureates: LaureatesQuery,
    private readonly consents: ConsentService,
    private readonly reader: CampaignPageReader,
  ) {}

  onModuleInit(): void {
    this.hooks.onEnter(async (em, change) => {
      if (change.to === 'campaign') await this.openWindow(em, change);
      if (change.to === 'settlement') await this.settlement.closeWindow(em, change);
    });
  }

  /**
   * Entering `campaign`: every approved campaign goes live at the timeline's opening instant, in the
   * transaction of the move, and each "notify me" subscriber is written to once.
   */
  private async openWindow(em: EntityManager, change: PhaseChange): Promise<void> {
    this.pages.forget(change.tenant.id);
    const at = change.programme.timeline.campaign ? new Date(change.programme.timeline.campaign) : change.at;
    const laureates = await this.laureates.ofProgramme(em, change.tenant.id, change.programme.id, 'rank_then_title');
    const live = await this.repo.openApproved(
      em,
      change.tenant.id,
      change.programme.id,
      at,
      laureates.map((l) => l.applicationId),
    );
    const site = await this.tenants.siteUrl(change.tenant, em);
    for (const s of await this.repo.subscribers(
      em,
      live.map((c) => c.id),
    )) {
      const c = live.find((x) => x.id === s.campaignId)!;
      await this.outbox.enqueue(em, {
        tenantId: change.tenant.id,
        template: 'campaign-opened',
        locale: s.locale,
        to: s.email,
        dedupeKey: `campaign-opened:${s.id}`,
        payload: { campaignTitle: c.title, link: `${site}/programmes/${change.programme.slug}/campaigns/${c.slug}` },
      });
    }
    await this.audit.record(em, {
      tenantId: change.tenant.id,
      actorUserId: null,
      action: 'campaigns.opened',
      subjectType: 'programme',
      subjectId: change.programme.id,
      data: { at: at.toISOString(), campaigns: live.map((c) => c.id) },
    });
  }

  // ---- laureate ---------------------------------------------------------------------------------

  /** The laureate's campaign, created as a draft from their application on first use. */
  async mine(tenant: Tenant, programmeId: string, user: Principal): Promise<Campaign> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const [source] = await this.laureates.ofProgramme(this.repo.manager, tenant.id, programme.id, 'rank_then_title', { userId: user.userId });
    if (!source) throw new DomainError('CAMPAIGN_NOT_LAUREATE');
    const existing = await this.repo.byApplication(this.repo.manager, tenant.id, source.applicationId);
    if (existing) return existing;
    return this.tx.run(async (em) => {
      let slug = slugify(source.title || 'campagne');
      for (let i = 2; await this.repo.slugTaken(em, tenant.id, programme.id, slug); i++) slug = `${slugify(source.title)}-${i}`;
      // The draft starts from the application, in the language it was written in (when still offered).
      const written = tenant.languages.includes(source.locale) ? source.locale : tenant.defaultLocale;
      try {
        return await this.repo.insertCampaign(em, {
          tenantId: tenant.id,
          programmeId: programme.id,
          applicationId: source.applicationId,
          laureateUserId: source.userId,
          slug,
          title: source.title ? inLanguage(written, source.title) : inLanguage(tenant.defaultLocale, 'Campagne'),
          summary: inLanguage(written, source.summary.slice(0, 300)),
          goalCents: source.goalCents && source.goalCents >= 10_000 ? source.goalCents : 500_000,
        });
      } catch (err) {
        if (isUniqueViolation(err, 'campaign_programme_slug_key')) throw new DomainError('CAMPAIGN_STATE_CONFLICT', { from: 'none', to: 'draft' });
        throw err;
      }
    });
  }

  /** A campaign the principal may edit: their own (laureate) or any of the tenant's (staff). */
  private async editable(em: EntityManager, tenant: Tenant, campaignId: string, user: Principal): Promise<Campaign> {
    const c = await this.repo.lockFound(em, tenant.id, campaignId);
    if (c.laureateUserId !== user.userId && !hasRole(user, ['staff', 'platform_admin'], c.programmeId)) throw new DomainError('NOT_FOUND');
    return c;
  }

  async get(tenant: Tenant, campaignId: string, user: Principal): Promise<{ campaign: Campaign; rewards: RewardTier[] }> {
    const c = await this.repo.found(this.repo.manager, tenant.id, campaignId);
    if (c.laureateUserId !== user.userId && !hasRole(user, ['staff', 'platform_admin'], c.programmeId)) throw new DomainError('NOT_FOUND');
    return { campaign: c, rewards: await this.repo.rewards(this.repo.manager, [c.id]) };
  }

  async update(tenant: Tenant, campaignId: string, dto: UpdateCampaignDto, user: Principal): Promise<{ campaign: Campaign; rewards: RewardTier[] }> {
    return this.tx.run(async (em) => {
      this.pages.forget(tenant.id);
      const c = await this.editable(em, tenant, campaignId, user);
      if (!isEditable(c.status)) throw new DomainError('CAMPAIGN_NOT_EDITABLE', { campaignStatus: c.status });
      const patch: Partial<Campaign> = {};
      // The slug was made from the first title and stays: links already shared keep working.
      if (dto.title !== undefined) patch.title = cleanLocalized(dto.title);
      if (dto.summary !== undefined) patch.summary = cleanLocalized(dto.summary);
      if (dto.story !== undefined) patch.story = storyIn(dto.story);
      if (dto.goalCents !== undefined) patch.goalCents = dto.goalCents;
      if (dto.imageAlt !== undefined) patch.imageAlt = cleanLocalized(dto.imageAlt);
      if (dto.faq !== undefined) patch.faq = dto.faq.map((f) => ({ question: cleanLocalized(f.question), answer: cleanLocalized(f.answer) }));
      // An approved page changed by its laureate goes back to review: what goes live is what staff saw.
      if (c.status === 'approved' && c.laureateUserId === user.userId) patch.status = 'in_review';
      await this.repo.updateCampaign(em, c.id, patch);
      if (dto.rewards !== undefined) {
        await this.repo.replaceRewards(
          em,
          c,
          dto.rewards.map((r, i) => ({
            id: r.id,
            position: i,
            title: cleanLocalized(r.title),
            description: cleanLocalized(r.description),
            minAmountCents: r.minAmountCents,
            quantity: r.quantity ?? null,
            remaining: r.quantity ?? null,
            estimatedDelivery: r.estimatedDelivery || null,
            matchEligible: r.matchEligible ?? true,
          })),
        );
      }
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: user.userId,
        action: 'campaign.updated',
        subjectType: 'campaign',
        subjectId: c.id,
        data: { fields: Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined) },
      });
      return { campaign: { ...c, ...patch }, rewards: await this.repo.rewards(em, [c.id]) };
    });
  }

  async submit(tenant: Tenant, campaignId: string, user: Principal): Promise<Campaign> {
    return this.tx.run(async (em) => {
      this.pages.forget(tenant.id);
      const c = await this.editable(em, tenant, campaignId, user);
      if (c.status === 'in_review') return c; // a double click submits once
      const problems = campaignCompletenessProblems(c, tenant.defaultLocale);
      if (problems.length) throw new DomainError('CAMPAIGN_INCOMPLETE', {}, problems);
      assertCampaignMove(c.status, 'in_review');
      const now = this.clock.now();
      await this.repo.updateCampaign(em, c.id, { status: 'in_review', submittedAt: now });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: user.userId,
        action: 'campaign.submitted',
        subjectType: 'campaign',
        subjectId: c.id,
        data: {},
      });
      return { ...c, status: 'in_review', submittedAt: now };
    });
  }

  async postUpdate(tenant: Tenant, campaignId: string, dto: CampaignUpdateDto, user: Principal, idempotencyKey: string | null): Promise<CampaignUpdate> {
    return this.tx.run(async (em) => {
      this.pages.forget(tenant.id);
      const c = await this.editable(em, tenant, campaignId, user);
      if (!['live', 'awaiting_funds', 'funded', 'not_funded'].includes(c.status)) throw new DomainError('UPDATE_NOT_ALLOWED');
      const now = this.clock.now();
      const inserted = await this.repo.insertUpdate(em, {
        tenantId: tenant.id,
        campaignId: c.id,
        authorUserId: user.userId,
        title: cleanLocalized(dto.title),
        body: cleanLocalized(dto.body),
        idempotencyKey,
        at: now,
      } as Omit<CampaignUpdate, 'id' | 'createdAt'>);
      if (!inserted) return (await this.repo.updates(em, c.id)).find((u) => u.idempotencyKey === idempotencyKey)!;
      await this.repo.updateCampaign(em, c.id, { lastUpdateAt: now });
      const programme = await this.programmes.found(tenant.id, c.programmeId, em);
      const link = `${await this.tenants.siteUrl(tenant, em)}/programmes/${programme.slug}/campaigns/${c.slug}`;
      // Contributors gave their address for their contribution: only those who ticked "this project's news" get its updates.
      const contributors = await this.contributions.contributorsToWrite(em, c.id);
      const agreed = await this.consents.campaignNewsKeys(
        em,
        tenant.id,
        c.id,
        contributors.map((p) => p.emailKey),
      );
      for (const person of contributors.filter((p) => agreed.has(p.emailKey))) {
        await this.outbox.enqueue(em, {
          tenantId: tenant.id,
          template: 'campaign-update',
          scopeId: c.id,
          locale: person.locale,
          to: person.email,
          toName: person.displayName,
          dedupeKey: `campaign-update:${inserted.id}:${person.emailKey}`,
          // The maps: the e-mail is rendered in the contributor's language, else the authority's default.
          payload: { campaignTitle: c.title, title: inserted.title, body: inserted.body, link },
        });
      }
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: user.userId,
        action: 'campaign.update_posted',
        subjectType: 'campaign',
        subjectId: c.id,
        data: { updateId: inserted.id },
      });
      return inserted;
    });
  }

  /** Contributors and rewards to fulfil, for the laureate (or staff): confirmed contributions only. */
  /** In `locale` (the reader's): the reward's name, else the authority's default language. */
  async contributorsCsv(tenant: Tenant, campaignId: string, user: Principal, locale: Locale = tenant.defaultLocale): Promise<string> {
    const { campaign, rewards } = await this.get(tenant, campaignId, user);
    const rows = await this.contributions.contributionsOf(this.repo.manager, campaign.id, ['confirmed']);
    const tier = new Map(rewards.map((r) => [r.id, r]));
    return (
      '\uFEFF' +
      toCsv(
        // A list the laureate reads to send rewards: headers in their language; the cells stay plain values.
        ['receipt_number', 'confirmed_at', 'display_name', 'anonymous', 'email', 'amount_cents', 'amount_eur', 'reward', 'estimated_delivery', 'message'].map(
          (c) => sharedTranslations().t(locale, `contributorsCsv.${c}`),
        ),
        rows.map((c) => [
          c.receiptNumber ?? '',
          c.confirmedAt ? new Date(c.confirmedAt).toISOString() : '',
          c.displayName ?? '',
          c.anonymous ? 'yes' : 'no',
          c.email,
          String(c.amountCents),
          (c.amountCents / 100).toFixed(2),
          c.rewardTierId ? textIn(tier.get(c.rewardTierId)?.title, locale, tenant) : '',
          c.rewardTierId ? (tier.get(c.rewardTierId)?.estimatedDelivery ?? '') : '',
          c.message,
        ]),
      )
    );
  }

  // ---- citizens ---------------------------------------------------------------------------------

  isPublic(programme: Programme, c: Campaign): boolean {
    return PUBLIC_STATUSES.includes(c.status) && PUBLIC_PHASES.includes(programme.phase);
  }

  /** `supporters`: the page of the supporters' wall (`?supporters=2`), cached with the rest. */
  async publicPage(tenant: Tenant, programmeSlug: string, campaignSlug: string, supporters = 1): Promise<CampaignPage> {
    const n = Number.isSafeInteger(supporters) && supporters > 1 ? supporters : 1;
    return this.pages.get(
      tenant.id,
      `slug:${programmeSlug}/${campaignSlug}#${n}`,
      () => this.loadPublicPage(tenant, programmeSlug, campaignSlug, n),
      (previous) => this.refreshFigures(previous, n),
      (previous) => this.revalidateFigures(previous, n),
    );
  }

  /**
   * The same page with one rendering of it cached beside it (anonymous visitors: the rendering must not
   * depend on who asks; per-visitor values are filled in by the caller afterwards).
   */
  publicPageRendered(
    tenant: Tenant,
    programmeSlug: string,
    campaignSlug: string,
    supporters: number,
    variant: string,
    render: (p: CampaignPage) => Promise<string>,
  ): Promise<{ page: CampaignPage; html: string }> {
    const n = Number.isSafeInteger(supporters) && supporters > 1 ? supporters : 1;
    return this.pages.rendered(
      tenant.id,
      `slug:${programmeSlug}/${campaignSlug}#${n}`,
      () => this.loadPublicPage(tenant, programmeSlug, campaignSlug, n),
      { key: variant, tenant },
      render,
      (previous) => this.refreshFigures(previous, n),
      (previous) => this.revalidateFigures(previous, n),
    );
  }

  private async loadPublicPage(tenant: Tenant, programmeSlug: string, campaignSlug: string, supporters: number): Promise<CampaignPage> {
    const em = this.repo.manager;
    const programme = await this.programmes.getBySlug(tenant.id, programmeSlug);
    if (!programme) throw new DomainError('NOT_FOUND');
    const campaign = await this.repo.bySlug(em, tenant.id, programme.id, campaignSlug);
    if (!campaign || !this.isPublic(programme, campaign)) throw new DomainError('NOT_FOUND');
    return this.pageOf(programme, campaign, supporters);
  }

  async publicCampaign(tenant: Tenant, campaignId: string): Promise<CampaignPage> {
    return this.pages.get(
      tenant.id,
      `id:${campaignId}`,
      () => this.loadPublicCampaign(tenant, campaignId),
      (previous) => this.refreshFigures(previous, 1),
      (previous) => this.revalidateFigures(previous, 1),
    );
  }

  private async loadPublicCampaign(tenant: Tenant, campaignId: string): Promise<CampaignPage> {
    const campaign = await this.repo.found(this.repo.manager, tenant.id, campaignId);
    const programme = await this.programmes.found(tenant.id, campaign.programmeId);
    if (!this.isPublic(programme, campaign)) throw new DomainError('NOT_FOUND');
    return this.pageOf(programme, campaign);
  }

  private pageOf(programme: Programme, campaign: Campaign, supporters = 1): Promise<CampaignPage> {
    return this.reader.compose(programme, campaign, supporters);
  }

  /** Past the figures' life: read again only when they may have moved (one query otherwise). */
  private async revalidateFigures(previous: CampaignPage, supporters: number): Promise<CampaignPage> {
    return (await this.reader.figuresMoved(previous)) ? this.refreshFigures(previous, supporters) : previous;
  }

  /** A cached page with what contributions change read again; gone when the campaign is no longer public. */
  private async refreshFigures(previous: CampaignPage, supporters: number): Promise<CampaignPage> {
    const page = await this.reader.withFreshFigures(previous, supporters);
    if (!this.isPublic(page.programme, page.campaign)) throw new DomainError('NOT_FOUND');
    return page;
  }

  /**
   * The laureate's (or staff's) edit page: the campaign as `get` gives it, with what the page shows
   * around the form (programme, window, totals rule, news). Same ownership rule as `get`.
   */
  async editorPage(tenant: Tenant, campaignId: string, user: Principal, supporters = 1): Promise<CampaignPage> {
    const { campaign } = await this.get(tenant, campaignId, user);
    const programme = await this.programmes.found(tenant.id, campaign.programmeId);
    return this.pageOf(programme, campaign, Number.isSafeInteger(supporters) && supporters > 1 ? supporters : 1);
  }

  /** "Notify me": before the window only; subscribing twice is harmless. */
  async subscribe(tenant: Tenant, campaignId: string, dto: SubscribeDto): Promise<{ subscribed: true }> {
    const page = await this.publicCampaign(tenant, campaignId);
    if (page.window.state !== 'before') throw new DomainError('SUBSCRIBE_CLOSED');
    assertOffered(tenant.languages, dto.locale);
    await this.repo.subscribe(this.repo.manager, {
      tenantId: tenant.id,
      campaignId: page.campaign.id,
      email: dto.email,
      emailKey: emailKey(dto.email),
      locale: dto.locale ?? tenant.defaultLocale,
    });
    return { subscribed: true };
  }
}
