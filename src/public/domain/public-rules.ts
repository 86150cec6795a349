import type { CampaignStatus } from '../../campaigns/domain/states.js';
import { type Phase, phaseIndex } from '../../programmes/domain/phase.js';

/**
 * What the public may see of a programme, as plain rules shared by the programme page, the campaign
 * page and the sitemap, so that a page and the sitemap can never disagree.
 */

/** Campaign statuses a citizen may see (once the programme is in communication or later). */
export const PUBLIC_CAMPAIGN_STATUSES = ['approved', 'live', 'awaiting_funds', 'funded', 'not_funded'] as const satisfies readonly CampaignStatus[];

/** Phases from which campaigns are public: the communication weeks come before the window. */
export const CAMPAIGN_PUBLIC_PHASES = ['communication', 'campaign', 'settlement', 'results'] as const satisfies readonly Phase[];

export function isPublicProgramme(phase: Phase): boolean {
  return phase !== 'draft';
}

/** Laureates are named only once the authority has announced them. */
export function laureatesArePublic(phase: Phase): boolean {
  return phaseIndex(phase) >= phaseIndex('announced');
}

export function campaignsArePublic(phase: Phase): boolean {
  return phaseIndex(phase) >= phaseIndex('communication');
}

/** A campaign is public iff staff approved it (or it went further) and the programme is in communication or later. */
export function isCampaignPublic(status: CampaignStatus, phase: Phase): boolean {
  return campaignsArePublic(phase) && (PUBLIC_CAMPAIGN_STATUSES as readonly string[]).includes(status);
}

/** Where the collection stands: the window is the `campaign` phase (all campaigns open and close together). */
export type WindowState = 'upcoming' | 'open' | 'closed';

export function windowState(phase: Phase): WindowState {
  if (phaseIndex(phase) < phaseIndex('campaign')) return 'upcoming';
  return phase === 'campaign' ? 'open' : 'closed';
}
