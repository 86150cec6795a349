import { Injectable } from '@nestjs/common';
import { ApplicantsQuery } from '../applications/applicants.query.js';
import { Clock } from '../common/clock/clock.js';
import type { Programme } from '../programmes/programme.entity.js';
import type { Campaign } from './campaign.entity.js';
import { CampaignsRepository } from './campaigns.repository.js';
import type { CampaignPage } from './campaigns.service.js';
import { daysLeft, windowOf, windowState } from './domain/window.js';
import { MatchFundingRepository } from './match-funding.repository.js';
import { SupportersRepository, WALL_PAGE_SIZE } from './supporters.repository.js';

/**
 * Reads what a campaign page shows, in two parts: what contributions move (the campaign row with its
 * totals, the supporters' wall, rewards' stock) and the rest (partners, news, the totals rule, who is
 * behind the project), so that the page cache can read the first part again alone.
 */
@Injectable()
export class CampaignPageReader {
  constructor(
    private readonly repo: CampaignsRepository,
    private readonly matchFunding: MatchFundingRepository,
    private readonly supporters: SupportersRepository,
    private readonly applicants: ApplicantsQuery,
    private readonly clock: Clock,
  ) {}

  async compose(programme: Programme, campaign: Campaign, supporters: number): Promise<CampaignPage> {
    const em = this.repo.manager;
    const partners = await this.matchFunding.partnersOfApplication(em, campaign.tenantId, campaign.applicationId);
    const [applicant] = await this.applicants.of(em, campaign.tenantId, [campaign.applicationId]);
    return {
      programme,
      partners,
      updates: await this.repo.updates(em, campaign.id),
      matchCountsTowardGoal: (await this.matchFunding.settingsOf(em, campaign.tenantId, programme.id)).matchCountsTowardGoal,
      laureate: applicant ? { name: applicant.applicantName, organisation: applicant.organisation, commune: applicant.commune } : null,
      ...(await this.figures(programme, campaign, supporters)),
    };
  }

  /** `previous` with its campaign row, wall and rewards read again (its programme and the rest kept). */
  async withFreshFigures(previous: CampaignPage, supporters: number): Promise<CampaignPage> {
    const campaign = await this.repo.found(this.repo.manager, previous.campaign.tenantId, previous.campaign.id);
    return { ...previous, ...(await this.figures(previous.programme, campaign, supporters)) };
  }

  /**
   * Whether what a page shows may have moved since `previous` was read, in one query: the campaign row
   * changes with every confirmed contribution (its totals, `updated_at`) and the rewards' stock with
   * every reward taken or given back. A hidden wall message shows at the next full read.
   */
  async figuresMoved(previous: CampaignPage): Promise<boolean> {
    const c = previous.campaign;
    const [row]: Array<{ updated_at: Date; status: string; totals: string; stock: string }> = await this.repo.manager.query(
      `SELECT c.updated_at, c.status, concat_ws('/', c.collected_cents, c.matched_cents, c.contribution_count, c.contributor_count) AS totals,
              (SELECT coalesce(sum(r.remaining), 0) FROM reward_tier r WHERE r.campaign_id = c.id) AS stock
         FROM campaign c WHERE c.id = $1 AND c.tenant_id = $2`,
      [c.id, c.tenantId],
    );
    const stock = previous.rewards.reduce((n, r) => n + (r.remaining ?? 0), 0);
    const totals = [c.collectedCents, c.matchedCents, c.contributionCount, c.contributorCount].join('/');
    return !row || row.updated_at.getTime() !== c.updatedAt.getTime() || row.status !== c.status || row.totals !== totals || Number(row.stock) !== stock;
  }

  private async figures(
    programme: Programme,
    campaign: Campaign,
    supporters: number,
  ): Promise<Pick<CampaignPage, 'campaign' | 'rewards' | 'window' | 'wall' | 'reached'>> {
    const em = this.repo.manager;
    const w = windowOf(programme.timeline);
    const now = this.clock.now();
    let wall = await this.supporters.wall(em, campaign.id, (supporters - 1) * WALL_PAGE_SIZE, WALL_PAGE_SIZE);
    let page = supporters;
    if (!wall.items.length && wall.total) {
      page = Math.ceil(wall.total / WALL_PAGE_SIZE); // a stale link past the end shows the last page
      wall = await this.supporters.wall(em, campaign.id, (page - 1) * WALL_PAGE_SIZE, WALL_PAGE_SIZE);
    }
    return {
      campaign,
      rewards: await this.repo.rewards(em, [campaign.id]),
      window: { state: windowState(programme.phase, w, now), opensAt: w.opensAt, closesAt: w.closesAt, daysLeft: daysLeft(w, now) },
      wall: { ...wall, page: wall.total ? page : 1, size: WALL_PAGE_SIZE },
      reached: campaign.status === 'not_funded' ? await this.supporters.reached(em, campaign.id) : null,
    };
  }
}
