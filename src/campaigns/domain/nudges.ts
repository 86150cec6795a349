/**
 * The nudges a laureate gets during the window. Each has a stable key: queued with it as the outbox's
 * dedupe key, a nudge is sent once however many instances tick, and a tick after downtime sends what is
 * due now (the most urgent closing alert only, not a burst of stale ones).
 */
export type Nudge =
  | { kind: 'opening_tip'; key: string }
  | { kind: 'update_reminder'; key: string; daysSinceUpdate: number }
  | { kind: 'closing_alert'; key: string; daysLeft: number };

export interface NudgeFacts {
  opensAt: Date;
  closesAt: Date;
  now: Date;
  goalReached: boolean;
  /** Last update posted, if any. */
  lastUpdateAt: Date | null;
}

const DAY_MS = 86_400_000;
export const CLOSING_ALERT_DAYS = [5, 3, 2, 1] as const;
export const UPDATE_SILENCE_DAYS = 6;

export function dueNudges(f: NudgeFacts): Nudge[] {
  const now = f.now.getTime();
  if (now < f.opensAt.getTime() || now >= f.closesAt.getTime()) return [];
  const nudges: Nudge[] = [];
  // The tip is for the opening day: a tick more than a day late does not send it any more.
  if (now - f.opensAt.getTime() < DAY_MS) nudges.push({ kind: 'opening_tip', key: 'opening-tip' });

  const since = (f.lastUpdateAt && f.lastUpdateAt.getTime() > f.opensAt.getTime() ? f.lastUpdateAt : f.opensAt).getTime();
  const silentDays = Math.floor((now - since) / DAY_MS);
  if (silentDays >= UPDATE_SILENCE_DAYS) {
    // Keyed by the silence's start: a new update starts a new count; a long silence is reminded once.
    nudges.push({ kind: 'update_reminder', key: `update-reminder:${new Date(since).toISOString()}`, daysSinceUpdate: silentDays });
  }

  if (!f.goalReached) {
    const left = (f.closesAt.getTime() - now) / DAY_MS;
    const due = CLOSING_ALERT_DAYS.filter((d) => left <= d);
    if (due.length) {
      const d = Math.min(...due);
      nudges.push({ kind: 'closing_alert', key: `closing:${d}`, daysLeft: d });
    }
  }
  return nudges;
}
