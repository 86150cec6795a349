import { Injectable } from '@nestjs/common';
import { sharedRendering } from '../common/cache/renderings.js';
import { TtlCache } from '../common/cache/ttl-cache.js';
import { Clock } from '../common/clock/clock.js';
import { formatInstant, formatMoney } from '../common/i18n/format.js';
import { ViewService } from '../common/web/view.service.js';
import type { PageContext } from '../request-context/current.decorators.js';
import { homeAction, homeOrder, nextStep } from './domain/home.js';
import { PublicPagesRepository, type HomeProgrammeRow } from './public-pages.repository.js';
import { ShareMetaService } from './share-meta.service.js';
import { PROGRAMME_MODEL_TTL_MS } from './public-pages.service.js';

interface Entry {
  programmes: HomeProgrammeRow[];
  /** Renderings for anonymous visitors, made for one tenant object (its name, languages, branding). */
  rendered: Map<string, Promise<string>>;
  renderedFor?: object;
}

/**
 * The authority's home page: its programmes in the order of what they ask of a citizen now (give,
 * apply, read the results), each with its phase, one fact of the moment and its call to action. Its
 * figures are read at most every PROGRAMME_MODEL_TTL_MS per instance, as the programme page's (where a
 * poster's visitors land, while contributions move the totals), and its anonymous renderings are
 * kept with them: the same for every visitor.
 */
@Injectable()
export class HomePageService {
  private readonly cache: TtlCache<Entry>;

  constructor(
    private readonly repo: PublicPagesRepository,
    private readonly views: ViewService,
    private readonly share: ShareMetaService,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(PROGRAMME_MODEL_TTL_MS, 5_000, () => clock.now().getTime());
  }

  async render(page: PageContext): Promise<string> {
    const entry = await this.cache.get(page.tenant.id, async () => ({ programmes: await this.repo.homePage(page.tenant.id), rendered: new Map() }));
    // Signed-in people see their own header (name, sign-out form with their CSRF token): never shared.
    if (page.principal) return this.renderOf(page, entry.programmes);
    if (entry.renderedFor !== page.tenant) {
      entry.rendered = new Map();
      entry.renderedFor = page.tenant;
    }
    return sharedRendering(entry.rendered, await this.share.renderingKey(page), () => this.renderOf(page, entry.programmes));
  }

  private async renderOf(page: PageContext, rows: HomeProgrammeRow[]): Promise<string> {
    const programmes = homeOrder(rows);
    const cards = programmes.map((p) => ({ ...p, action: homeAction(p), fact: this.fact(page, p) }));
    const lead = cards[0] && cards[0].action.primary ? cards[0] : null;
    return this.views.page('pages/home/home', page, {
      title: page.tenant.name,
      programmes: cards,
      lead,
      share: await this.share.build(page, { path: '/', title: page.tenant.name, description: this.views.t(page.locale, 'home.lead') }),
    });
  }

  /** The one sentence that says where a programme stands, with its figures in the reader's language. */
  private fact(page: PageContext, p: HomeProgrammeRow): string | null {
    const locale = page.locale;
    const t = (key: string, values: Record<string, unknown>) => this.views.t(locale, key, values);
    const date = (at: Date) => formatInstant(at, locale, page.tenant.timeZone);
    const raised = formatMoney(p.collectedCents + p.matchedCents, locale);
    if (p.phase === 'campaign')
      return t('home.fact.collecting', {
        amount: raised,
        supports: p.supports,
        campaigns: p.campaigns,
        closes: p.timeline.settlement ? date(new Date(p.timeline.settlement)) : '',
      });
    if (p.phase === 'call_open' && p.callDeadline) return t('home.fact.callUntil', { deadline: date(p.callDeadline) });
    if (p.phase === 'settlement' || p.phase === 'results')
      return p.campaigns ? t('home.fact.raised', { amount: raised, funded: p.funded, campaigns: p.campaigns }) : null;
    const next = nextStep(p);
    return next && next.at.getTime() > this.clock.now().getTime()
      ? t('home.fact.next', { phase: this.views.t(locale, `phase.${next.phase}`), date: date(next.at) })
      : null;
  }
}
