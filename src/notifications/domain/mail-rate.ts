/**
 * An authority's send rate: its personal and bulk mail (transactional mail is exempt) may not be
 * claimed more than `ratePerMinute` times in any sliding minute. The worker counts the claims in
 * PostgreSQL, so the rate holds across instances; these rules decide who is served in a pass.
 */
export const RATE_WINDOW_MS = 60_000;

export interface TenantUsage {
  tenantId: string;
  /** Rated messages this authority had claimed in the last RATE_WINDOW_MS. */
  used: number;
}

export interface RatedClaim {
  tenantId: string;
  /** At most this many more may be claimed now. */
  max: number;
}

/**
 * The authorities to serve, least served in the last minute first (so one authority's backlog
 * never keeps another's waiting), each capped at what is left of its budget; exhausted ones wait.
 */
export function ratedClaimOrder(ratePerMinute: number, usage: readonly TenantUsage[]): RatedClaim[] {
  return usage
    .filter((u) => u.used < ratePerMinute)
    .sort((a, b) => a.used - b.used || (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0))
    .map((u) => ({ tenantId: u.tenantId, max: ratePerMinute - u.used }));
}

/**
 * Shares a pass's free slots out between the authorities in `order`: each asks for an equal share of
 * what is left; what one cannot use (its backlog or budget ran out) goes to the next ones, and those
 * that filled their share are asked again while slots remain. `claim` claims up to `n` messages of
 * one authority and says how many it got. Returns how many were claimed in all.
 */
export async function shareSlots(slots: number, order: readonly RatedClaim[], claim: (tenantId: string, n: number) => Promise<number>): Promise<number> {
  let taken = 0;
  let open = order.map((o) => ({ ...o }));
  while (taken < slots && open.length) {
    const again: RatedClaim[] = [];
    for (let i = 0; i < open.length && taken < slots; i++) {
      const o = open[i];
      const ask = Math.min(o.max, Math.ceil((slots - taken) / (open.length - i)));
      const got = ask > 0 ? await claim(o.tenantId, ask) : 0;
      taken += got;
      o.max -= got;
      if (got === ask && o.max > 0) again.push(o);
    }
    open = again;
  }
  return taken;
}
